package io.handover.engine.proxy;

import io.undertow.client.ClientExchange;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * A request whose body is buffered, so it can be sent again: tries the servers its {@link Route}
 * offers — the chosen version's, then older versions' — until one answers. An attempt fails on a
 * refused or reset connection, on no response head within the first-byte timeout, or on a failover
 * status (502/503/504 by default). A failed attempt is retried when nothing was sent, or when the
 * request is retry-safe (idempotent method or {@code Idempotency-Key}). The answer that is kept is
 * streamed to the client and never retried. Runs on the exchange's IO thread.
 */
final class FailoverExchange implements BackendCall.Listener {

  private final HttpServerExchange exchange;
  private final Route route;
  private final ProxySettings settings;
  private final boolean retrySafe;
  private byte[] body;
  private BackendCall call;
  private XnioExecutor.Key firstByteTimer;
  private XnioExecutor.Key requestTimer;
  private String lastFailure = "no server was available";
  private int lastStatus = StatusCodes.SERVICE_UNAVAILABLE;
  private boolean finished;

  FailoverExchange(HttpServerExchange exchange, Route route, ProxySettings settings, boolean retrySafe) {
    this.exchange = exchange;
    this.route = route;
    this.settings = settings;
    this.retrySafe = retrySafe;
  }

  /** Whether the request's body is known to be small enough to hold for a retry. */
  static boolean bodyFits(HttpServerExchange exchange, long maxBufferedBodyBytes) {
    if (exchange.isRequestComplete()) {
      return true;
    }
    long length = exchange.getRequestContentLength();
    return length >= 0 && length <= maxBufferedBodyBytes;
  }

  void start() {
    if (settings.maxRequestTimeMillis() > 0) {
      requestTimer = exchange.getIoThread().executeAfter(this::requestTimedOut, settings.maxRequestTimeMillis(), TimeUnit.MILLISECONDS);
    }
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
      if (exchange.getRequestContentLength() > 0) {
        // A body that arrives later is handed over inside a handler call, which would end the
        // exchange on return unless it is dispatched again.
        exchange.getRequestReceiver().receiveFullBytes((ex, bytes) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
          body = bytes;
          attempt();
        }), (ex, e) -> fail(StatusCodes.BAD_REQUEST, "the request body could not be read: " + e.getMessage()));
      } else {
        body = new byte[0];
        attempt();
      }
    });
  }

  private void attempt() {
    if (finished) {
      return;
    }
    BackendPool.Backend backend = route.nextBackend();
    if (backend == null) {
      fail(lastStatus, lastFailure);
      return;
    }
    call = new BackendCall(exchange, backend, body, settings.trustForwardedHeaders(), this);
    BackendCall current = call;
    firstByteTimer = exchange.getIoThread().executeAfter(() -> {
      firstByteTimer = null;
      // giving up only helps when another server could answer; the last one is waited for
      // (up to the request time limit)
      if (route.hasAlternative()) {
        current.abort("no answer from " + backend.address() + " within " + settings.firstByteTimeoutMillis() + " ms");
      }
    }, settings.firstByteTimeoutMillis(), TimeUnit.MILLISECONDS);
    call.start();
  }

  @Override
  public void onFailure(BackendCall c, String why, boolean sent) {
    cancelFirstByteTimer();
    c.backend.failed();
    route.version.outcomes().failure();
    lastFailure = why;
    // 504: it hung; 502: it broke while answering; 503: it could not be reached at all
    lastStatus = why.startsWith("no answer") ? StatusCodes.GATEWAY_TIME_OUT
        : sent ? StatusCodes.BAD_GATEWAY : StatusCodes.SERVICE_UNAVAILABLE;
    if (!sent || retrySafe) {
      attempt();
    } else {
      fail(StatusCodes.BAD_GATEWAY, why + "; not retried: the request is not idempotent (add an Idempotency-Key to allow it)");
    }
  }

  @Override
  public void onResponse(BackendCall c, ClientExchange result) {
    cancelFirstByteTimer();
    if (finished) {
      IoUtils.safeClose(result.getConnection());
      return;
    }
    int status = result.getResponse().getResponseCode();
    if (status >= 500) {
      c.backend.failed();
      route.version.outcomes().failure();
      if (settings.failoverStatuses().contains(status) && retrySafe && route.hasAlternative()) {
        // the answer is dropped, so its connection cannot be reused
        IoUtils.safeClose(result.getConnection());
        lastFailure = c.backend.address() + " answered " + status;
        lastStatus = StatusCodes.BAD_GATEWAY;
        attempt();
        return;
      }
    } else {
      c.backend.succeeded();
      route.version.outcomes().success();
    }
    stream(result);
  }

  private void stream(ClientExchange result) {
    finished = true;
    cancelRequestTimer();
    ResponseStream.relay(exchange, result);
  }

  private void requestTimedOut() {
    requestTimer = null;
    if (!finished) {
      if (call != null) {
        call.abort("the request time limit passed");
      }
      fail(StatusCodes.GATEWAY_TIME_OUT, "no version answered within " + settings.maxRequestTimeMillis() + " ms");
    }
  }

  private void fail(int status, String why) {
    if (finished) {
      return;
    }
    finished = true;
    cancelFirstByteTimer();
    cancelRequestTimer();
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
    } else {
      ErrorResponses.send(exchange, status, why);
    }
  }

  private void cancelFirstByteTimer() {
    if (firstByteTimer != null) {
      firstByteTimer.remove();
      firstByteTimer = null;
    }
  }

  private void cancelRequestTimer() {
    if (requestTimer != null) {
      requestTimer.remove();
      requestTimer = null;
    }
  }
}

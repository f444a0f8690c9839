package io.handover.engine.proxy;

import io.undertow.client.ClientExchange;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;

/**
 * A request whose body is buffered, so it can be sent again: tries the servers its {@link Route}
 * offers — the chosen version's, then older versions' — until one answers. An attempt fails on a
 * refused or reset connection, on no response head within the first-byte timeout, or on a failover
 * status (502/503/504 by default). A failed attempt is retried when nothing was sent, or when the
 * request is retry-safe (idempotent method or {@code Idempotency-Key}). The answer that is kept is
 * streamed to the client and never retried. Runs on the exchange's IO thread.
 */
final class FailoverExchange extends Deadlines.Entry implements BackendCall.Listener {

  private final HttpServerExchange exchange;
  private final Route route;
  private final ProxySettings settings;
  private final boolean retrySafe;
  private byte[] body;
  private BackendCall call;
  private Deadlines deadlines;
  private long startNanos;
  /** Whether the pending deadline is the current attempt's first-byte timeout (else the request's). */
  private boolean awaitingFirstByte;
  /** The response being relayed to the client, once one was kept. */
  private ClientExchange relayed;
  private long lastBytesSent;
  private String lastFailure = "no server was available";
  private int lastStatus = StatusCodes.SERVICE_UNAVAILABLE;
  private boolean finished;

  FailoverExchange(HttpServerExchange exchange, Route route, ProxySettings settings, boolean retrySafe) {
    this.exchange = exchange;
    this.route = route;
    this.settings = settings;
    this.retrySafe = retrySafe;
  }

  void start() {
    deadlines = Deadlines.of(exchange.getIoThread());
    startNanos = System.nanoTime();
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
    awaitingFirstByte = true;
    deadlines.schedule(this, Math.min(settings.firstByteTimeoutMillis(), remainingMillis()));
    call.start();
  }

  /** What is left of the request time limit; effectively no limit when there is none. */
  private long remainingMillis() {
    if (settings.maxRequestTimeMillis() <= 0) {
      return Long.MAX_VALUE / 2_000_000;
    }
    return Math.max(0, settings.maxRequestTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000);
  }

  @Override
  void expired() {
    if (relayed != null) {
      checkBodyProgress();
      return;
    }
    if (finished) {
      return;
    }
    if (remainingMillis() <= 0) {
      BackendCall pending = call;
      fail(StatusCodes.GATEWAY_TIME_OUT, "no version answered within " + settings.maxRequestTimeMillis() + " ms");
      if (pending != null) {
        pending.abort("the request time limit passed");
      }
    } else if (awaitingFirstByte && route.hasAlternative()) {
      // giving up only helps when another server could answer; the last one is waited for
      // (up to the request time limit)
      call.abort("no answer from " + call.backend.address() + " within " + settings.firstByteTimeoutMillis() + " ms");
    } else {
      awaitingFirstByte = false;
      deadlines.schedule(this, remainingMillis());
    }
  }

  @Override
  public void onFailure(BackendCall c, String why, boolean sent) {
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
    // past the response head a backend that stops sending mid-body is cut off once no byte has
    // reached the client for a first-byte timeout; the client then sees the connection close
    relayed = result;
    lastBytesSent = -1;
    deadlines.schedule(this, settings.firstByteTimeoutMillis());
    exchange.addExchangeCompleteListener((ex, next) -> {
      if (ex.getIoThread() == Thread.currentThread()) {
        deadlines.cancel(this);
      } else {
        ex.getIoThread().execute(() -> deadlines.cancel(this));
      }
      next.proceed();
    });
    ResponseStream.relay(exchange, result);
  }

  private void checkBodyProgress() {
    long sent = exchange.getResponseBytesSent();
    if (sent != lastBytesSent) {
      lastBytesSent = sent;
      deadlines.schedule(this, settings.firstByteTimeoutMillis());
      return;
    }
    call.backend.failed();
    route.version.outcomes().failure();
    IoUtils.safeClose(relayed.getConnection(), exchange.getConnection());
  }


  private void fail(int status, String why) {
    if (finished) {
      return;
    }
    finished = true;
    deadlines.cancel(this);
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
    } else {
      ErrorResponses.send(exchange, status, why);
    }
  }
}

package io.handover.engine.proxy;

import io.handover.engine.telemetry.FailureKind;
import io.undertow.client.ClientExchange;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import org.xnio.IoUtils;

/**
 * The request path of every request that is not mirrored: tries the servers its {@link Route}
 * offers — the chosen version's, then older versions' — until one answers. An attempt fails on a
 * refused or reset connection, on no response head within the first-byte timeout, or on a failover
 * status (502/503/504 by default). A failed attempt is retried while nothing was sent; after that
 * only when the body is held whole and the request is retry-safe (idempotent method or
 * {@code Idempotency-Key}). The answer that is kept is streamed to the client and never retried; an
 * accepted upgrade (WebSocket) becomes a byte bridge to that server. Runs on the exchange's IO
 * thread.
 */
final class ProxyExchange extends Deadlines.Entry implements BackendCall.Listener {

  private final HttpServerExchange exchange;
  private final Route route;
  private final RequestBody body;
  private final ProxySettings settings;
  private final AttemptOutcomes outcomes;
  private final boolean retrySafe;
  private final boolean grpc;
  private final String upgrade;
  private final long startNanos;
  private BackendCall call;
  private Deadlines deadlines;
  /** Whether the pending deadline is the current attempt's first-byte timeout (else the request's). */
  private boolean awaitingFirstByte;
  /** The response being relayed to the client, once one was kept. */
  private ClientExchange relayed;
  private long lastBytesSent;
  /** When the client last took a byte or had room for one, while a response is relayed. */
  private long clientReadNanos;
  private FailureKind lastFailure = FailureKind.NO_SERVER;
  private String lastReason = "no server was available";
  private boolean finished;

  ProxyExchange(HttpServerExchange exchange, Route route, RequestBody body, ProxySettings settings, AttemptOutcomes outcomes,
      boolean retrySafe, String upgrade, long startNanos) {
    this(exchange, route, body, settings, outcomes, retrySafe, upgrade, startNanos, false);
  }

  /** With {@code grpc}: over HTTP/2 to the servers, and judged by {@code grpc-status}. */
  ProxyExchange(HttpServerExchange exchange, Route route, RequestBody body, ProxySettings settings, AttemptOutcomes outcomes,
      boolean retrySafe, String upgrade, long startNanos, boolean grpc) {
    this.grpc = grpc;
    this.exchange = exchange;
    this.route = route;
    this.body = body;
    this.settings = settings;
    this.outcomes = outcomes;
    this.retrySafe = retrySafe;
    this.upgrade = upgrade;
    this.startNanos = startNanos;
  }

  /** Starts the first attempt; the exchange must have been dispatched. */
  void start() {
    deadlines = Deadlines.of(exchange.getIoThread());
    attempt();
  }

  private void attempt() {
    if (finished) {
      return;
    }
    BackendPool.Backend backend = route.nextBackend(outcomes, exchange);
    if (backend == null) {
      fail(lastFailure.clientStatus(), lastReason);
      return;
    }
    call = new BackendCall(exchange, backend, body, upgrade, settings.trustForwardedHeaders(), this, grpc);
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
        pending.abort(FailureKind.REQUEST_TIME_LIMIT, "the request time limit passed");
      }
    } else if (awaitingFirstByte && call.uploading()) {
      // a server may wait for the whole body before it answers: while the client still sends it,
      // only the client's pace counts
      long idle = BodyProgress.idleMillis(exchange);
      int bodyTimeout = settings.limits().bodyReadTimeoutMillis();
      if (idle >= bodyTimeout) {
        call.abort(FailureKind.SLOW_CLIENT, "the request body stopped arriving for " + idle + " ms");
      } else {
        deadlines.schedule(this, Math.min(remainingMillis(), Math.min(settings.firstByteTimeoutMillis(), bodyTimeout - idle)));
      }
    } else if (awaitingFirstByte && route.hasAlternative() && (!call.sent() || mayResend())) {
      // giving up only helps when another server could answer; the last one is waited for
      // (up to the request time limit)
      call.abort(FailureKind.FIRST_BYTE_TIMEOUT,
          "no answer from " + call.backend.address() + " within " + settings.firstByteTimeoutMillis() + " ms");
    } else if (awaitingFirstByte && !body.complete()) {
      // the rest of the body may still be on its way (the connection may not even be open yet):
      // keep watching the client's pace
      deadlines.schedule(this, Math.min(remainingMillis(), settings.limits().bodyReadTimeoutMillis()));
    } else {
      awaitingFirstByte = false;
      deadlines.schedule(this, remainingMillis());
    }
  }

  /** Whether a request that reached a server may be sent to another one. */
  private boolean mayResend() {
    return retrySafe && body.complete() && upgrade == null;
  }

  @Override
  public void onFailure(BackendCall c, FailureKind kind, String why) {
    outcomes.failure(exchange, route.version, c.backend, kind, c.startNanos);
    if (kind == FailureKind.SLOW_CLIENT && !finished && !exchange.isResponseStarted()) {
      finish();
      exchange.setPersistent(false);
      ErrorResponses.send(exchange, StatusCodes.REQUEST_TIME_OUT, why);
      return;
    }
    if (kind == FailureKind.CLIENT_ABORTED || kind == FailureKind.SLOW_CLIENT || finished) {
      // the client broke its own request: nothing to answer, and nobody to blame
      finish();
      IoUtils.safeClose(exchange.getConnection());
      return;
    }
    lastFailure = kind;
    lastReason = why;
    if (!c.sent() || mayResend()) {
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
    if (InterimResponses.isInterim(status)) {
      relayFinal(c, result);
      return;
    }
    int grpcStatus = grpc ? Grpc.status(result.getResponse().getResponseHeaders()) : -1;
    if (grpc && status == StatusCodes.OK && grpcStatus >= 0) {
      // a trailers-only answer: the call ended in its head
      if (Grpc.serverError(grpcStatus)) {
        outcomes.failure(exchange, route.version, c.backend, FailureKind.SERVER_ERROR, c.startNanos);
        // UNAVAILABLE means the call was not served: it may go elsewhere when it can be sent again
        if (grpcStatus == Grpc.UNAVAILABLE && body.complete() && route.hasAlternative()) {
          discard(result);
          lastFailure = FailureKind.SERVER_ERROR;
          lastReason = c.backend.address() + " answered grpc-status " + grpcStatus;
          attempt();
          return;
        }
      } else {
        outcomes.success(exchange, route.version, c.backend, status, c.startNanos);
      }
    } else if (grpc && status == StatusCodes.OK) {
      // judged by the grpc-status of its trailers, once the stream ends
      stream(result, trailers -> {
        int s = Grpc.status(trailers);
        if (s < 0 || Grpc.serverError(s)) {
          outcomes.failure(exchange, route.version, c.backend, s < 0 ? FailureKind.RESET : FailureKind.SERVER_ERROR, c.startNanos);
        } else {
          outcomes.success(exchange, route.version, c.backend, status, c.startNanos);
        }
      });
      return;
    } else if (status >= 500) {
      outcomes.failure(exchange, route.version, c.backend, FailureKind.SERVER_ERROR, c.startNanos);
      if (settings.failoverStatuses().contains(status) && mayResend() && route.hasAlternative()) {
        discard(result);
        lastFailure = FailureKind.SERVER_ERROR;
        lastReason = c.backend.address() + " answered " + status;
        attempt();
        return;
      }
    } else {
      outcomes.success(exchange, route.version, c.backend, status, c.startNanos);
    }
    AccessLog.served(exchange, route.version, c.backend);
    if (status == StatusCodes.SWITCHING_PROTOCOLS && upgrade != null) {
      finish();
      ResponseStream.upgrade(exchange, result);
      return;
    }
    if (ResponseStream.bodilessWithLength(result.getResponse())) {
      finish();
      ResponseStream.relayHeadOnly(exchange, result);
      return;
    }
    stream(result);
  }

  /** The server sent interim answers first: the final one is read past them and relayed. */
  private void relayFinal(BackendCall c, ClientExchange interim) {
    InterimResponses.readFinal(interim, new InterimResponses.Listener() {
      @Override
      public void onFinal(InterimResponses.Final response) {
        if (response.status() >= 500) {
          outcomes.failure(exchange, route.version, c.backend, FailureKind.SERVER_ERROR, c.startNanos);
        } else {
          outcomes.success(exchange, route.version, c.backend, response.status(), c.startNanos);
        }
        AccessLog.served(exchange, route.version, c.backend);
        finish();
        ResponseStream.relay(exchange, response);
      }

      @Override
      public void onFailure(IOException e) {
        outcomes.failure(exchange, route.version, c.backend, FailureKind.RESET, c.startNanos);
        fail(StatusCodes.BAD_GATEWAY, c.backend.address() + " failed after an interim answer: " + e.getMessage());
      }
    });
  }

  /** Drops an answer that will not be relayed: its stream (HTTP/2), or its connection, which cannot be reused. */
  private static void discard(ClientExchange result) {
    if (result.getConnection().isMultiplexingSupported()) {
      IoUtils.safeClose(result.getResponseChannel());
    } else {
      IoUtils.safeClose(result.getConnection());
    }
  }

  private void stream(ClientExchange result) {
    stream(result, null);
  }

  private void stream(ClientExchange result, java.util.function.Consumer<io.undertow.util.HeaderMap> onTrailers) {
    finished = true;
    // past the response head a backend that stops sending mid-body is cut off once no byte has
    // reached the client for a first-byte timeout; the client then sees the connection close
    relayed = result;
    lastBytesSent = -1;
    clientReadNanos = System.nanoTime();
    deadlines.schedule(this, settings.firstByteTimeoutMillis());
    exchange.addExchangeCompleteListener((ex, next) -> {
      if (ex.getIoThread() == Thread.currentThread()) {
        deadlines.cancel(this);
      } else {
        ex.getIoThread().execute(() -> deadlines.cancel(this));
      }
      next.proceed();
    });
    ResponseStream.relay(exchange, result, onTrailers);
  }

  /**
   * No byte reached the client for a first-byte timeout. When the relay waits to write to the
   * client (its connection is full), the client stopped reading: that is its own affair until the
   * send timeout, and then it is cut without blame. Otherwise the backend stopped sending.
   */
  private void checkBodyProgress() {
    long sent = exchange.getResponseBytesSent();
    long now = System.nanoTime();
    if (sent != lastBytesSent) {
      lastBytesSent = sent;
      clientReadNanos = now;
      deadlines.schedule(this, settings.firstByteTimeoutMillis());
      return;
    }
    if (waitingForClient()) {
      long waitedMillis = (now - clientReadNanos) / 1_000_000;
      long sendTimeout = settings.limits().sendTimeoutMillis();
      if (waitedMillis < sendTimeout) {
        deadlines.schedule(this, Math.min(settings.firstByteTimeoutMillis(), sendTimeout - waitedMillis));
        return;
      }
      outcomes.failure(exchange, route.version, call.backend, FailureKind.SLOW_CLIENT, call.startNanos);
    } else {
      outcomes.failure(exchange, route.version, call.backend, FailureKind.STALLED_BODY, call.startNanos);
    }
    IoUtils.safeClose(relayed.getConnection(), exchange.getConnection());
  }

  /** Whether the relay waits for room on the client's connection (Transfer resumes writes only then). */
  private boolean waitingForClient() {
    return exchange.getConnection() instanceof HttpServerConnection c && c.getChannel().getSinkChannel().isWriteResumed();
  }

  private void finish() {
    finished = true;
    deadlines.cancel(this);
  }

  private void fail(int status, String why) {
    if (finished) {
      return;
    }
    finish();
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
    } else {
      ErrorResponses.send(exchange, status, why);
    }
  }
}

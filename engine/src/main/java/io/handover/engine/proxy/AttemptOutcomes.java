package io.handover.engine.proxy;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.FailureKind;
import io.handover.engine.telemetry.Outcomes;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the end of every attempt is recorded: the server's passive health, its
 * version's outcome window and the window of the request's endpoint (which rollback, promotion and
 * status read). The endpoint is found from the exchange's method and path, which it already holds.
 * Lock-free and allocation-free (but for the first request of a new path when endpoints are the
 * paths seen); called on IO threads. It also feeds each server's series ({@code /metrics}).
 */
final class AttemptOutcomes {

  private static final Logger log = LoggerFactory.getLogger(AttemptOutcomes.class);

  /** The server answered with a status it is not blamed for. */
  void success(HttpServerExchange exchange, LiveVersion version, BackendPool.Backend backend, int status, long startNanos) {
    backend.meters().answered(status, System.nanoTime() - startNanos);
    backend.succeeded();
    if (log.isTraceEnabled()) {
      log.trace("{} {}: {} of version {} answered {}", exchange.getRequestMethod(), exchange.getRequestPath(), backend.address(),
          version.info().version().label(), status);
    }
    version.outcomes().success();
    Outcomes endpoint = endpoint(exchange, version);
    if (endpoint != null) {
      endpoint.success();
    }
  }

  /** The attempt failed; a failure that is not the server's fault is not held against it. */
  void failure(HttpServerExchange exchange, LiveVersion version, BackendPool.Backend backend, FailureKind kind, long startNanos) {
    if (backend != null) {
      backend.meters().failed(kind, kind == FailureKind.SERVER_ERROR ? 500 : 0, System.nanoTime() - startNanos);
    }
    if (log.isDebugEnabled()) {
      log.debug("{} {}: {} of version {} failed: {}", exchange.getRequestMethod(), exchange.getRequestPath(),
          backend == null ? "no server" : backend.address(), version.info().version().label(), kind.label());
    }
    if (!kind.blamesServer()) {
      return;
    }
    if (backend != null) {
      backend.failed(kind);
    }
    version.outcomes().failure();
    Outcomes endpoint = endpoint(exchange, version);
    if (endpoint != null) {
      endpoint.failure();
    }
  }

  /**
   * A mirrored candidate's server answered: only its passive health is told now, its version's
   * outcome waits for the comparison ({@link #compared}).
   */
  void answered(BackendPool.Backend backend, int status, long startNanos) {
    long nanos = System.nanoTime() - startNanos;
    if (status >= 500) {
      backend.meters().failed(FailureKind.SERVER_ERROR, status, nanos);
    } else {
      backend.meters().answered(status, nanos);
    }
    if (status >= 500) {
      backend.failed(FailureKind.SERVER_ERROR);
    } else {
      backend.succeeded();
    }
  }

  /** A mirrored candidate's answer matched the older version's, or differed from it. */
  void compared(HttpServerExchange exchange, LiveVersion version, boolean matched) {
    Outcomes endpoint = endpoint(exchange, version);
    if (matched) {
      version.outcomes().success();
      if (endpoint != null) {
        endpoint.success();
      }
    } else {
      version.outcomes().mismatch();
      if (endpoint != null) {
        endpoint.mismatch();
      }
    }
  }

  private static Outcomes endpoint(HttpServerExchange exchange, LiveVersion version) {
    return version.endpoints().of(exchange.getRequestMethod().toString(), exchange.getRequestPath());
  }
}

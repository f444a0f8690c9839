package io.handover.engine.proxy;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.FailureKind;

/**
 * The one place where the end of every attempt is recorded: the server's passive health and its
 * version's outcome window (which rollback, promotion and status read). Lock-free and
 * allocation-free; called on IO threads.
 */
final class AttemptOutcomes {

  /** The server answered with a status it is not blamed for. */
  void success(LiveVersion version, BackendPool.Backend backend, int status, long startNanos) {
    backend.succeeded();
    version.outcomes().success();
  }

  /** The attempt failed; a failure that is not the server's fault is not held against it. */
  void failure(LiveVersion version, BackendPool.Backend backend, FailureKind kind, long startNanos) {
    if (!kind.blamesServer()) {
      return;
    }
    if (backend != null) {
      backend.failed(kind);
    }
    version.outcomes().failure();
  }

  /**
   * A mirrored candidate's server answered: only its passive health is told now, its version's
   * outcome waits for the comparison ({@link #compared}).
   */
  void answered(BackendPool.Backend backend, int status) {
    if (status >= 500) {
      backend.failed(FailureKind.SERVER_ERROR);
    } else {
      backend.succeeded();
    }
  }

  /** A mirrored candidate's answer matched the older version's, or differed from it. */
  void compared(LiveVersion version, boolean matched) {
    if (matched) {
      version.outcomes().success();
    } else {
      version.outcomes().mismatch();
    }
  }
}

package io.handover.engine.registry;


import io.handover.engine.telemetry.Outcomes;
/**
 * When a version is rolled back automatically: when, over the last {@code windowSeconds}, it had at
 * least {@code minRequests} requests and more than {@code maxFailureRate} of them failed (or, with
 * {@code countMismatches}, answered differently from the older version while mirrored).
 */
public record RollbackPolicy(boolean enabled, int windowSeconds, double maxFailureRate, long minRequests, boolean countMismatches) {

  /** What applies to a version that gives no {@code rollback} object. */
  public static final RollbackPolicy DEFAULT = new RollbackPolicy(true, 30, 0.5, 20, true);

  public RollbackPolicy {
    if (windowSeconds < 1 || windowSeconds > 3600) {
      throw new IllegalArgumentException("windowSeconds must be from 1 to 3600");
    }
    if (!(maxFailureRate > 0 && maxFailureRate <= 1)) {
      throw new IllegalArgumentException("maxFailureRate must be greater than 0 and at most 1");
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be at least 1");
    }
  }

  /** The failure rate this policy judges: failures, plus mismatches when they count. */
  public double failureRate(Outcomes.Window window) {
    return window.requests() == 0 ? 0 : (double) failed(window) / window.requests();
  }

  /** The requests this policy counts as failed. */
  public long failed(Outcomes.Window window) {
    return window.failures() + (countMismatches ? window.mismatches() : 0);
  }
}

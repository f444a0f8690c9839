package io.handover.engine.registry;

import io.handover.engine.telemetry.Outcomes;
import java.util.List;

/**
 * When a version is rolled back automatically: when, over the last {@code windowSeconds}, it had at
 * least {@code minRequests} requests and its failure rate (failures, and with {@code
 * countMismatches} answers that differed from the older version's while mirrored) is above
 * {@code maxFailureRate} with the given {@code confidence}: the lower bound of the rate's Wilson
 * score interval at that level is above it. Promotion stages judge their own {@code maxFailureRate}
 * over the same window at the same level.
 *
 * <p>The same rule judges each endpoint on its own ({@code endpoints}: method and path templates
 * such as {@code GET /api/cart} or {@code POST /api/order/*}; when empty, the first paths seen, see
 * {@link io.handover.engine.telemetry.EndpointOutcomes}), so that one broken endpoint rolls the
 * version back even when the overall rate stays below the threshold.
 *
 * <p>With {@code maxLatencyIncreaseMillis} (mirrored versions only), the latencies of the same
 * requests on both versions are compared pair by pair with a sign test: the version is rolled back
 * once it is slower than the older version by more than that many milliseconds with the given
 * {@code confidence}, and a promotion holds until it is shown not to be (see
 * {@code rollout.PairedTest}).
 */
public record RollbackPolicy(boolean enabled, int windowSeconds, double maxFailureRate, long minRequests, boolean countMismatches,
    double confidence, List<String> endpoints, Double maxLatencyIncreaseMillis) {

  /** The largest {@code maxLatencyIncreaseMillis} accepted. */
  public static final double MAX_LATENCY_INCREASE_MILLIS = 600_000;

  /** The confidence level of a policy that gives none. */
  public static final double DEFAULT_CONFIDENCE = 0.95;

  /** The lowest confidence level accepted: below it a bound says little. */
  public static final double MIN_CONFIDENCE = 0.5;

  /** The highest confidence level accepted: above it no realistic traffic decides. */
  public static final double MAX_CONFIDENCE = 0.9999;

  /** What applies to a version that gives no {@code rollback} object. */
  public static final RollbackPolicy DEFAULT = new RollbackPolicy(true, 30, 0.5, 20, true, DEFAULT_CONFIDENCE);

  public RollbackPolicy {
    endpoints = List.copyOf(endpoints);
    if (windowSeconds < 1 || windowSeconds > 3600) {
      throw new IllegalArgumentException("windowSeconds must be from 1 to 3600");
    }
    if (!(maxFailureRate > 0 && maxFailureRate <= 1)) {
      throw new IllegalArgumentException("maxFailureRate must be greater than 0 and at most 1");
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be at least 1");
    }
    if (!(confidence >= MIN_CONFIDENCE && confidence <= MAX_CONFIDENCE)) {
      throw new IllegalArgumentException("confidence must be from " + MIN_CONFIDENCE + " to " + MAX_CONFIDENCE);
    }
    if (maxLatencyIncreaseMillis != null && !(maxLatencyIncreaseMillis >= 0 && maxLatencyIncreaseMillis <= MAX_LATENCY_INCREASE_MILLIS)) {
      throw new IllegalArgumentException("maxLatencyIncreaseMillis must be from 0 to " + (long) MAX_LATENCY_INCREASE_MILLIS);
    }
  }

  /** A policy that does not judge latency. */
  public RollbackPolicy(boolean enabled, int windowSeconds, double maxFailureRate, long minRequests, boolean countMismatches,
      double confidence, List<String> endpoints) {
    this(enabled, windowSeconds, maxFailureRate, minRequests, countMismatches, confidence, endpoints, null);
  }

  /** A policy whose endpoints are the first paths seen. */
  public RollbackPolicy(boolean enabled, int windowSeconds, double maxFailureRate, long minRequests, boolean countMismatches,
      double confidence) {
    this(enabled, windowSeconds, maxFailureRate, minRequests, countMismatches, confidence, List.of());
  }

  /** A policy at the default confidence level. */
  public RollbackPolicy(boolean enabled, int windowSeconds, double maxFailureRate, long minRequests, boolean countMismatches) {
    this(enabled, windowSeconds, maxFailureRate, minRequests, countMismatches, DEFAULT_CONFIDENCE);
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

package io.handover.engine.rollout;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.Outcomes;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Judges a promotion stage's conditions against what a version has done. Stateless; any thread. */
final class PromotionCheck {

  private PromotionCheck() {}

  /**
   * Why {@code version} may move on to the stage with these conditions, with the numbers that
   * decided it; null when a condition does not hold yet. A {@code maxFailureRate} holds once the
   * Wilson upper bound of the failure rate is below it (see {@link Evidence}). A mirrored version
   * whose rollback policy sets {@code maxLatencyIncreaseMillis} also waits until the paired test
   * shows it is not slower by more than that ({@link PairedTest}).
   */
  static String passed(PromotionStage.Condition when, LiveVersion version, long nowMillis) {
    List<String> met = new ArrayList<>();
    if (when.consecutiveMatches() != null) {
      long matches = version.mirrorStats().consecutiveMatches();
      if (matches < when.consecutiveMatches()) {
        return null;
      }
      met.add(matches + " consecutive matches (at least " + when.consecutiveMatches() + ")");
    }
    if (when.rampComplete() != null) {
      OptionalDouble share = version.strategy().trafficShare();
      if (share.isEmpty() || share.getAsDouble() < 1) {
        return null;
      }
      met.add("ramp complete (share 100)");
    }
    if (when.afterSeconds() != null) {
      long seconds = (nowMillis - version.info().addedAtMillis()) / 1000;
      if (seconds < when.afterSeconds()) {
        return null;
      }
      met.add(seconds + " s into the stage (at least " + when.afterSeconds() + ")");
    }
    if (when.minRequests() != null) {
      RollbackPolicy policy = version.config().policies().rollbackInForce();
      Outcomes.Window window = version.outcomes().window(policy.windowSeconds());
      String requests = window.requests() + " requests over " + policy.windowSeconds() + " s (at least " + when.minRequests() + ")";
      if (when.maxFailureRate() == null) {
        if (window.requests() < when.minRequests()) {
          return null;
        }
      } else {
        Evidence evidence = RolloutEvidence.promotion(when, policy, window);
        if (evidence.verdict() != Evidence.Verdict.BELOW) {
          return null;
        }
        requests += " with failure rate " + String.format(Locale.ROOT, "%.2f", evidence.rate()) + " (at most "
            + RolloutGuard.plain(when.maxFailureRate()) + ")";
        if (when.maxFailureRate() > 0) {
          // a zero rate is judged exactly: none of the requests may have failed
          requests += ": " + evidence.failures() + " of " + evidence.samples() + " failed, " + evidence.bounds();
        }
      }
      met.add(requests);
    }
    RollbackPolicy policy = version.config().policies().rollbackInForce();
    PairedTest latency = RolloutEvidence.latency(policy, version);
    if (RolloutEvidence.latencyGates(latency, version)) {
      if (latency.verdict() != PairedTest.Verdict.NOT_SLOWER) {
        return null;
      }
      met.add("latency over " + policy.windowSeconds() + " s: " + latency.numbers());
    }
    return String.join(", ", met);
  }
}

package io.handover.engine.rollout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.telemetry.Outcomes;
import java.util.List;

/**
 * The evidence the rollout guard decides on, for the guard itself and for {@code /status}: the
 * failure rate over the rollback window judged against the rollback policy's threshold and against
 * the next promotion stage's {@code maxFailureRate}. Stateless; any thread.
 */
public final class RolloutEvidence {

  private RolloutEvidence() {}

  /** The rollback policy's judgement of the window. */
  static Evidence rollback(RollbackPolicy policy, Outcomes.Window window) {
    return Evidence.of(window.requests(), policy.failed(window), policy.maxFailureRate(), policy.confidence(), policy.minRequests());
  }

  /** A promotion stage's judgement of the window; {@code when} gives both minRequests and maxFailureRate. */
  static Evidence promotion(PromotionStage.Condition when, RollbackPolicy policy, Outcomes.Window window) {
    return Evidence.of(window.requests(), policy.failed(window), when.maxFailureRate(), policy.confidence(), when.minRequests());
  }

  /** The paired latency test of a policy with {@code maxLatencyIncreaseMillis}, or null without one. */
  static PairedTest latency(RollbackPolicy policy, LiveVersion version) {
    if (policy.maxLatencyIncreaseMillis() == null) {
      return null;
    }
    return PairedTest.of(version.mirrorStats().latencies().window(policy.windowSeconds()), policy.maxLatencyIncreaseMillis(),
        policy.confidence(), policy.minRequests());
  }

  /**
   * Whether a promotion waits for the paired latency test: the policy sets a slow-down and the
   * version is mirrored (CONCURRENT, or pairs were seen).
   */
  static boolean latencyGates(PairedTest test, LiveVersion version) {
    return test != null && ("CONCURRENT".equals(version.info().mode()) || test.pairs() > 0);
  }

  /**
   * Adds {@code "evidence"} to a version's status: {@code "rollback"} while its policy is enabled and
   * {@code "promotion"} while its next stage has a {@code maxFailureRate}, each with the numbers of
   * {@link Evidence} and the verdict it leads to.
   */
  public static void addTo(ObjectNode status, LiveVersion version) {
    RollbackPolicy policy = version.config().policies().rollbackInForce();
    Outcomes.Window window = version.outcomes().window(policy.windowSeconds());
    ObjectNode evidence = status.putObject("evidence");
    evidence.put("windowSeconds", policy.windowSeconds()).put("confidence", policy.confidence());
    if (policy.enabled()) {
      Evidence e = rollback(policy, window);
      put(evidence.putObject("rollback"), e, e.verdict() == Evidence.Verdict.ABOVE ? "roll back" : "keep");
      ArrayNode endpoints = evidence.putArray("endpoints");
      version.endpoints().windows().forEach((name, outcomes) -> {
        Evidence ee = rollback(policy, outcomes.window(policy.windowSeconds()));
        ObjectNode node = endpoints.addObject().put("endpoint", name);
        put(node, ee, ee.verdict() == Evidence.Verdict.ABOVE ? "roll back" : "keep");
      });
    }
    List<PromotionStage> stages = version.config().policies().promote();
    int stage = version.config().rollout().promotionStage();
    if (stage < stages.size() && stages.get(stage).when().maxFailureRate() != null) {
      Evidence e = promotion(stages.get(stage).when(), policy, window);
      put(evidence.putObject("promotion"), e, e.verdict() == Evidence.Verdict.BELOW ? "promote" : "hold");
    }
    PairedTest latency = latency(policy, version);
    if (latency != null) {
      ObjectNode node = evidence.putObject("latency")
          .put("pairs", latency.pairs())
          .put("slower", latency.slower())
          .put("faster", latency.faster())
          .put("medianMillis", latency.medianMillis())
          .put("thresholdMillis", latency.thresholdMillis())
          .put("pSlower", latency.pSlower())
          .put("pNotSlower", latency.pNotSlower())
          .put("minPairs", latency.minPairs());
      if (latency.pairsNeeded() >= 0) {
        node.put("pairsNeeded", latency.pairsNeeded());
      } else {
        node.putNull("pairsNeeded");
      }
      node.put("verdict", latency.verdict().name()).put("decision", switch (latency.verdict()) {
        case SLOWER -> policy.enabled() ? "roll back" : "hold";
        case NOT_SLOWER -> "promote";
        default -> "hold";
      });
    }
  }

  private static void put(ObjectNode node, Evidence e, String decision) {
    node.put("samples", e.samples())
        .put("failures", e.failures())
        .put("rate", e.rate())
        .put("lower", e.lower())
        .put("upper", e.upper())
        .put("threshold", e.threshold())
        .put("minSamples", e.minSamples());
    if (e.samplesNeeded() >= 0) {
      node.put("samplesNeeded", e.samplesNeeded());
    } else {
      node.putNull("samplesNeeded");
    }
    node.put("verdict", e.verdict().name()).put("decision", decision);
  }
}

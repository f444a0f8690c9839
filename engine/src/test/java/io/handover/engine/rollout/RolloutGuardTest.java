package io.handover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.Settings;
import io.handover.api.VersionInfo;
import io.handover.api.VersionNumber;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.TransitionHistory;
import io.handover.engine.registry.VersionPolicies;
import io.handover.engine.support.FakeTicker;
import io.handover.engine.telemetry.EndpointOutcomes;
import io.handover.engine.telemetry.MirrorStats;
import io.handover.engine.telemetry.Outcomes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard's decisions on counted outcomes: roll back, promote or hold, each with its numbers. */
class RolloutGuardTest {

  private static final PromotionStage TO_INSTANT = new PromotionStage(
      new PromotionStage.Condition(null, null, null, 50L, 0.1), Settings.of(Map.of("mode", "INSTANT")));

  private final Outcomes outcomes = new Outcomes(new FakeTicker());

  private LiveVersion version(RollbackPolicy policy) {
    ClusterConfig config = new ClusterConfig("v2", VersionNumber.parse("2.0"), List.of(new ServerAddress("127.0.0.1", 1)),
        Settings.of(Map.of("mode", "SESSION", "sessionTimeout", 60)), 0,
        new VersionPolicies(null, policy, List.of(TO_INSTANT)), RolloutState.INITIAL);
    VersionInfo info = new VersionInfo("v2", config.version(), "SESSION", config.rollout().state(), 0);
    return new LiveVersion(config, info, null, null, new MirrorStats(), outcomes,
        new EndpointOutcomes(config.policies().rollbackInForce().endpoints(), 30), new TransitionHistory());
  }

  private void record(int successes, int failures) {
    for (int i = 0; i < successes; i++) {
      outcomes.success();
    }
    for (int i = 0; i < failures; i++) {
      outcomes.failure();
    }
  }

  @Test
  void rollsBackOnceTheLowerBoundPassesTheThresholdAndSaysWhy() {
    LiveVersion v = version(new RollbackPolicy(true, 30, 0.5, 20, true, 0.95));
    record(6, 14);
    assertThat(RolloutGuard.rollbackReason(v)).isNull();

    record(0, 1); // 15 of 21
    assertThat(RolloutGuard.rollbackReason(v))
        .isEqualTo("failure rate 0.71 (15 of 21 requests) over 30 s passed 0.5: Wilson lower bound 0.5004 > 0.5 at 95% confidence");
  }

  private static final RollbackPolicy LATENCY = new RollbackPolicy(true, 30, 0.5, 20, true, 0.95, List.of(), 20.0);

  /** Records the seeded fixture's differences as pairs of latencies on the version. */
  private static void pairs(LiveVersion v, double[] differencesMillis) {
    for (double d : differencesMillis) {
      v.mirrorStats().latencies().record(100_000_000L + (long) (d * 1_000_000), 100_000_000L);
    }
  }

  @Test
  void rollsBackWhenThePairedLatenciesShowTheNewVersionSlowerAndSaysWhy() {
    LiveVersion v = version(LATENCY);
    record(20, 0);
    pairs(v, PairedTestTest.pairs(21, 14, 6, 0));
    assertThat(RolloutGuard.rollbackReason(v)).as("14 of 20: p = 0.0577").isNull();

    LiveVersion w = version(LATENCY);
    pairs(w, PairedTestTest.pairs(22, 15, 5, 0));
    assertThat(RolloutGuard.rollbackReason(w)).startsWith("latency over 30 s: 15 of 20 paired requests slower by more than 20 ms (median +")
        .endsWith("sign test p = 0.0207 < 0.05");
  }

  @Test
  void aPromotionHoldsUntilThePairedLatenciesShowTheNewVersionIsNotSlower() {
    LiveVersion v = version(LATENCY);
    record(180, 0);
    pairs(v, PairedTestTest.pairs(23, 6, 14, 0));
    assertThat(PromotionCheck.passed(TO_INSTANT.when(), v, 0)).as("14 of 20 not slower: hold").isNull();
    ObjectNode status = new ObjectMapper().createObjectNode();
    RolloutEvidence.addTo(status, v);
    assertThat(status.at("/evidence/latency/decision").asText()).isEqualTo("hold");
    assertThat(status.at("/evidence/latency/pairsNeeded").asLong()).isPositive();

    pairs(v, PairedTestTest.pairs(24, 0, 2, 0)); // 16 of 22
    assertThat(PromotionCheck.passed(TO_INSTANT.when(), v, 0)).startsWith("180 requests over 30 s")
        .contains(", latency over 30 s: 16 of 22 paired requests not slower by more than 20 ms (median -")
        .endsWith("sign test p = 0.0262 < 0.05");
    status = new ObjectMapper().createObjectNode();
    RolloutEvidence.addTo(status, v);
    assertThat(status.at("/evidence/latency/decision").asText()).isEqualTo("promote");
    assertThat(status.at("/evidence/latency/pairs").asLong()).isEqualTo(22);
  }

  @Test
  void aHigherConfidenceHoldsWhereTheDefaultRollsBack() {
    record(5, 15);
    assertThat(RolloutGuard.rollbackReason(version(RollbackPolicy.DEFAULT))).startsWith("failure rate 0.75 (15 of 20 requests)");
    assertThat(RolloutGuard.rollbackReason(version(new RollbackPolicy(true, 30, 0.5, 20, true, 0.99)))).isNull();
  }

  @Test
  void promotesOnceTheUpperBoundIsUnderTheStagesRate() {
    LiveVersion v = version(RollbackPolicy.DEFAULT);
    record(95, 5);
    assertThat(PromotionCheck.passed(TO_INSTANT.when(), v, 0)).isNull();
    record(80, 0); // 5 of 180
    assertThat(PromotionCheck.passed(TO_INSTANT.when(), v, 0))
        .isEqualTo("180 requests over 30 s (at least 50) with failure rate 0.03 (at most 0.1): 5 of 180 failed, "
            + "Wilson upper bound 0.0634 < 0.1 at 95% confidence");
  }

  @Test
  void theStatusShowsWhatEachDecisionWaitsFor() {
    LiveVersion v = version(RollbackPolicy.DEFAULT);
    record(10, 0);
    ObjectNode status = new ObjectMapper().createObjectNode();
    RolloutEvidence.addTo(status, v);

    ObjectNode evidence = (ObjectNode) status.get("evidence");
    assertThat(evidence.get("confidence").asDouble()).isEqualTo(0.95);
    assertThat(evidence.get("rollback").get("verdict").asText()).isEqualTo("TOO_FEW");
    assertThat(evidence.get("rollback").get("samplesNeeded").asLong()).isEqualTo(10);
    assertThat(evidence.get("rollback").get("decision").asText()).isEqualTo("keep");
    assertThat(evidence.get("promotion").get("samples").asLong()).isEqualTo(10);
    assertThat(evidence.get("promotion").get("threshold").asDouble()).isEqualTo(0.1);
    assertThat(evidence.get("promotion").get("verdict").asText()).isEqualTo("TOO_FEW");
    // none failed so far: 50 are needed by the stage, and the bound would be under 0.1 from 35 on
    assertThat(evidence.get("promotion").get("samplesNeeded").asLong()).isEqualTo(40);
    assertThat(evidence.get("promotion").get("decision").asText()).isEqualTo("hold");
  }
}

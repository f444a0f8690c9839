package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.VersionState;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.StateChange;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileIT {

  @TempDir
  Path dir;

  @Test
  void aRestartKeepsEveryAcceptedChange() throws Exception {
    Path state = dir.resolve("state/clusters.json");
    HandoverConfig config = HandoverConfig.ephemeral().withStateFile(state);
    try (TestBackend v1 = new TestBackend("v1", "1.0"); TestBackend v2 = new TestBackend("v2", "2.0")) {
      String id2;
      try (ProxyFixture first = new ProxyFixture(config)) {
        first.addVersion("1.0", null, v1);
        id2 = first.addVersion("2.0", null, v2);
        String id3 = first.addVersion("3.0", null, v1);
        assertThat(first.admin("DELETE", "/configuration/cluster/" + id3).statusCode()).isEqualTo(202);
      }
      assertThat(Files.readString(state)).contains(id2);
      try (ProxyFixture second = new ProxyFixture(config)) {
        assertThat(second.handover().registry().list()).extracting(c -> c.version().label()).containsExactly("2.0", "1.0");
        assertThat(second.admin("GET", "/configuration/cluster/" + id2).statusCode()).isEqualTo(200);
        assertThat(second.get("/").body()).startsWith("2.0 v2");
      }
    }
  }

  @Test
  void aRestartKeepsRollbacksAndPromotions() throws Exception {
    Path state = dir.resolve("clusters.json");
    HandoverConfig config = HandoverConfig.ephemeral().withStateFile(state);
    try (TestBackend v1 = new TestBackend("v1", "1.0"); TestBackend v2 = new TestBackend("v2", "2.0");
        TestBackend v3 = new TestBackend("v3", "3.0")) {
      String id2;
      String id3;
      long promotedAt;
      try (ProxyFixture first = new ProxyFixture(config)) {
        first.addVersion("1.0", null, v1);
        id2 = first.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}",
            "\"promote\":[{\"when\":{\"afterSeconds\":3600},\"to\":{\"mode\":\"INSTANT\"}}]", v2);
        assertThat(first.handover().registry().promote(id2, 0)).isEqualTo(StateChange.CHANGED);
        promotedAt = first.handover().registry().snapshot().get(id2).info().addedAtMillis();
        id3 = first.addVersion("3.0", null, "\"rollback\":{\"windowSeconds\":10}", v3);
        assertThat(first.admin("POST", "/configuration/cluster/" + id3 + "/rollback").statusCode()).isEqualTo(202);
      }
      try (ProxyFixture second = new ProxyFixture(config)) {
        ClusterConfig c3 = second.handover().registry().find(id3).orElseThrow();
        assertThat(c3.rollout().state()).isEqualTo(VersionState.ROLLED_BACK);
        assertThat(c3.rollout().reason()).isEqualTo("by operator");
        assertThat(c3.policies().rollback().windowSeconds()).isEqualTo(10);
        ClusterConfig c2 = second.handover().registry().find(id2).orElseThrow();
        assertThat(c2.mode()).isEqualTo("INSTANT");
        assertThat(c2.rollout().promotionStage()).isEqualTo(1);
        assertThat(c2.addedAtMillis()).isEqualTo(promotedAt);
        assertThat(second.get("/").body()).startsWith("2.0 v2");
        assertThat(second.admin("POST", "/configuration/cluster/" + id3 + "/activate").statusCode()).isEqualTo(202);
        assertThat(second.get("/").body()).startsWith("3.0 v3");
      }
    }
  }
}

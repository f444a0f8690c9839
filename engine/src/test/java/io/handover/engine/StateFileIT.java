package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.api.VersionState;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.StateChange;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  @Test
  void deletingEveryVersionSurvivesARestart() throws Exception {
    Path state = dir.resolve("clusters.json");
    try (TestBackend v1 = new TestBackend("v1", "1.0")) {
      ClusterConfig fromConfig = new ClusterConfig("from-config", VersionNumber.parse("1.0"),
          List.of(new ServerAddress("127.0.0.1", v1.port())), Settings.of(Map.of("mode", "INSTANT")), 0);
      HandoverConfig config = HandoverConfig.ephemeral().withStateFile(state).withClusters(List.of(fromConfig));
      try (ProxyFixture first = new ProxyFixture(config)) {
        assertThat(first.handover().registry().list()).extracting(ClusterConfig::id).containsExactly("from-config");
        assertThat(first.admin("DELETE", "/configuration/cluster/from-config").statusCode()).isEqualTo(202);
      }
      assertThat(Files.readString(state).strip()).isEqualTo("[ ]");
      try (ProxyFixture second = new ProxyFixture(config)) {
        assertThat(second.handover().registry().list()).isEmpty();
        assertThat(second.admin("GET", "/configuration/cluster").body()).isEqualTo("[]");
      }
    }
  }

  @Test
  void anEmptyStateFileMeansNoVersions() throws Exception {
    Path state = Files.writeString(dir.resolve("clusters.json"), "");
    try (TestBackend v1 = new TestBackend("v1", "1.0")) {
      ClusterConfig fromConfig = new ClusterConfig("from-config", VersionNumber.parse("1.0"),
          List.of(new ServerAddress("127.0.0.1", v1.port())), Settings.of(Map.of("mode", "INSTANT")), 0);
      try (ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral().withStateFile(state).withClusters(List.of(fromConfig)))) {
        assertThat(proxy.handover().registry().list()).as("versions from an empty state file").isEmpty();
        proxy.addVersion("2.0", null, v1);
      }
      assertThat(Files.readString(state)).contains("\"2.0\"");
    }
  }

  @Test
  void aSecondInstanceOnTheSameStateFileRefusesToStartUntilTheFirstStops() throws Exception {
    Path state = dir.resolve("clusters.json");
    HandoverConfig config = HandoverConfig.ephemeral().withStateFile(state);
    try (ProxyFixture first = new ProxyFixture(config)) {
      assertThatThrownBy(() -> Handover.start(config))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(state.toString())
          .hasMessageContaining("in use by another handover instance");
    }
    try (ProxyFixture again = new ProxyFixture(config)) {
      assertThat(again.handover().registry().list()).isEmpty();
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.config.HandoverConfig;
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
}

package io.handover.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.VersionState;
import io.handover.engine.container.EngineAddress;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ContainerSpec;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.ServerAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code containers} of a version and the {@code dockerHost} of the config file, as JSON. */
class ContainerJsonTest {

  @TempDir
  Path dir;

  private static ClusterConfig parse(String cluster) {
    return ClusterJson.parseBody(("{\"cluster\":" + cluster + "}").getBytes(StandardCharsets.UTF_8), 1_000);
  }

  private static String field(String cluster) {
    try {
      parse(cluster);
    } catch (JsonInputException e) {
      return e.field() + ": " + e.getMessage();
    }
    throw new AssertionError("accepted: " + cluster);
  }

  @Test
  void aVersionOfContainersStartsWithNoServers() {
    ClusterConfig c = parse("""
        {"version":"2.0","containers":[{"image":"localhost/shop:2.0","portToProxy":8080,"count":2,
          "environment":{"MODE":"live"},"volumes":["/srv/data:/data:ro"],"links":["db:db"],"healthPath":"/health",
          "labels":{"team":"shop"},"portBindings":{"9000":[{"hostIp":"127.0.0.1"}]}}]}
        """);
    assertThat(c.servers()).isEmpty();
    assertThat(c.rollout().state()).isEqualTo(VersionState.STARTING);
    ContainerSpec s = c.containers().specs().get(0);
    assertThat(s.image()).isEqualTo("localhost/shop");
    assertThat(s.tag()).isEqualTo("2.0");
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.environment()).containsExactly("MODE=live");
    assertThat(s.portBindings()).containsKey("9000/tcp");
    assertThat(s.healthPath()).isEqualTo("/health");
  }

  @Test
  void aStartedVersionRoundTripsThroughTheStateFile() throws Exception {
    ClusterConfig c = parse("""
        {"version":"2.0","servers":[{"hostname":"10.0.0.5","port":80}],
         "containers":[{"image":"localhost/shop","tag":"2.0","portToProxy":8080,"name":"shop"}]}
        """);
    ClusterConfig started = c.withStarted(List.of(new ServerAddress("127.0.0.1", 40001)), new RolloutState(VersionState.ACTIVE, null, 0));
    byte[] saved = Json.MAPPER.writeValueAsBytes(List.of(ClusterJson.toJson(started, true)));
    ClusterConfig restored = Json.read(saved, ClusterJson.LIST).get(0).cluster().toConfig(2_000);

    assertThat(restored.servers()).isEqualTo(started.servers());
    assertThat(restored.containers()).isEqualTo(started.containers());
    assertThat(restored.rollout()).isEqualTo(started.rollout());
    assertThat(restored.fixedServers()).containsExactly(new ServerAddress("10.0.0.5", 80));
    assertThat(restored.rollout().state()).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void badContainersAreRefusedNamingTheField() {
    assertThat(field("{\"containers\":[{\"portToProxy\":8080}]}")).startsWith("cluster.containers[0].image");
    assertThat(field("{\"containers\":[{\"image\":\"shop\"}]}")).startsWith("cluster.containers[0].portToProxy");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":70000}]}")).startsWith("cluster.containers[0].portToProxy");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"count\":0}]}")).startsWith("cluster.containers[0].count");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"count\":2,"
        + "\"portBindings\":{\"80/tcp\":[{\"hostPort\":8081}]}}]}")).startsWith("cluster.containers[0].portBindings.80/tcp");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"labels\":{\"io.handover.version\":\"x\"}}]}"))
        .startsWith("cluster.containers[0].labels.io.handover.version");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"environment\":[\"NOEQUALS\"]}]}"))
        .startsWith("cluster.containers[0].environment[0]");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"healthPath\":\"health\"}]}"))
        .startsWith("cluster.containers[0].healthPath");
    assertThat(field("{\"containers\":[{\"image\":\"shop\",\"portToProxy\":80,\"colour\":\"red\"}]}")).contains("colour");
    assertThat(field("{\"servers\":[{\"hostname\":\"a\",\"port\":1}],\"state\":\"STARTING\"}")).startsWith("cluster.state");
    assertThat(field("{\"version\":\"1\"}")).startsWith("cluster.servers");
  }

  @Test
  void dockerHostIsASocketATcpAddressOrTheOriginalObject() throws Exception {
    assertThat(load("{\"dockerHost\":\"unix:///run/podman/podman.sock\"}"))
        .isEqualTo(EngineAddress.unix(Path.of("/run/podman/podman.sock")));
    assertThat(load("{\"dockerHost\":\"tcp://10.0.0.2:2375\"}")).isEqualTo(EngineAddress.tcp("10.0.0.2", 2375));
    assertThat(load("{\"dockerHost\":{\"ip\":\"10.0.0.2\",\"port\":2375}}")).isEqualTo(EngineAddress.tcp("10.0.0.2", 2375));
    assertThatThrownBy(() -> load("{\"dockerHost\":\"10.0.0.2\"}")).hasMessageContaining("dockerHost");
    assertThatThrownBy(() -> load("{\"dockerHost\":{\"ip\":\"10.0.0.2\"}}")).hasMessageContaining("dockerHost");
    assertThat(ConfigLoader.load(Files.writeString(dir.resolve("config.json"), "{\"containerScope\":\"shop-eu\"}")).containers().scope())
        .isEqualTo("shop-eu");
    assertThatThrownBy(() -> load("{\"containerScope\":\"a b\"}")).hasMessageContaining("containerScope");
  }

  private EngineAddress load(String json) throws Exception {
    return ConfigLoader.load(Files.writeString(dir.resolve("config.json"), json)).containers().engine();
  }
}

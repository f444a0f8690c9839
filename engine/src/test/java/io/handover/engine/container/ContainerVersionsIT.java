package io.handover.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions whose servers are containers that Handover starts on a real engine (podman in CI). */
class ContainerVersionsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);
  private static TestEngine engine;

  private final String scope = "test-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void engineIsThere() {
    engine = new TestEngine();
    if (engine.unavailable != null) {
      // surefire shows a class skipped in @BeforeAll as 0 tests run; this line says why
      System.err.println("ContainerVersionsIT skipped: " + engine.unavailable);
    }
    Assumptions.assumeTrue(engine.unavailable == null, engine.unavailable);
  }

  @AfterEach
  void removeWhatIsLeft() throws Exception {
    engine.removeAll(scope);
  }

  private HandoverConfig config() {
    return HandoverConfig.ephemeral()
        .withProxySettings(ProxySettings.DEFAULT.withFirstByteTimeoutMillis(2000))
        .withContainers(ContainerSettings.of(engine.address).withScope(scope).withDrain(Duration.ofMillis(300), 1)
            .withPollInterval(Duration.ofMillis(300)));
  }

  /** A container serving {@code "<version> <hostname>"} at {@code /} on port 8080; extra fields without braces. */
  private static String container(String version, String extra) {
    return "{\"image\":\"" + TestEngine.IMAGE + "\",\"tag\":\"" + TestEngine.TAG + "\",\"portToProxy\":8080,"
        + "\"command\":[\"sh\",\"-c\",\"mkdir -p /www && echo " + version + " $(hostname) > /www/index.html"
        + " && exec httpd -f -p 8080 -h /www\"]" + (extra == null ? "" : "," + extra) + "}";
  }

  private static String putContainers(ProxyFixture proxy, String version, String transition, String containers) throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"version\":\"" + version + "\",\"upgradeTransition\":" + transition
        + ",\"containers\":[" + containers + "]}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return r.body();
  }

  private static String state(ProxyFixture proxy, String id) throws Exception {
    return proxy.status(id).get("state").asText();
  }

  @Test
  void instantMovesTrafficToTheContainersOnceTheyAreReady() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", container("2.0", "\"healthPath\":\"/\""));

      assertThat(state(proxy, v2)).isEqualTo("STARTING");
      assertThat(proxy.get("/").body()).startsWith("1.0 ");
      await().atMost(START).until(() -> state(proxy, v2).equals("ACTIVE"));

      assertThat(proxy.get("/").body()).startsWith("2.0 ");
      JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + v2).body()).get("cluster");
      assertThat(cluster.get("servers")).hasSize(1);
      assertThat(cluster.get("servers").get(0).get("hostname").asText()).isEqualTo("127.0.0.1");
      assertThat(cluster.get("containers").get(0).get("image").asText()).isEqualTo(TestEngine.IMAGE);
      List<JsonNode> running = engine.containers(scope, v2);
      assertThat(running).hasSize(1);
      assertThat(running.get(0).path("Labels").path(ContainerLabels.VERSION).asText()).isEqualTo("2.0");
    }
  }

  @Test
  void sessionModeSendsNewClientsToThreeReplicasInTurn() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", container("2.0", "\"count\":3"));
      await().atMost(START).until(() -> state(proxy, v2).equals("ACTIVE"));

      assertThat(engine.containers(scope, v2)).hasSize(3);
      Set<String> hosts = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        String body = proxy.get("/").body().strip();
        assertThat(body).startsWith("2.0 ");
        hosts.add(body);
      }
      assertThat(hosts).hasSize(3);
      assertThat(JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + v2).body()).get("cluster").get("servers")).hasSize(3);
    }
  }

  @Test
  void aContainerThatCannotStartFailsTheVersionAndLeavesNothing() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String bad = "{\"image\":\"" + TestEngine.IMAGE + "\",\"tag\":\"" + TestEngine.TAG + "\",\"portToProxy\":8080,"
          + "\"command\":[\"/no/such/command\"]}";
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", bad);

      await().atMost(START).until(() -> state(proxy, v2).equals("FAILED"));
      assertThat(proxy.status(v2).get("stateReason").asText()).contains("/no/such/command");
      for (int i = 0; i < 10; i++) {
        assertThat(proxy.get("/").body()).startsWith("1.0 ");
      }
      assertThat(engine.containers(scope, v2)).isEmpty();
      JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + v2).body()).get("cluster");
      assertThat(cluster.get("state").asText()).isEqualTo("FAILED");
    }
  }

  @Test
  void aContainerThatExitsAtStartFailsTheVersionWithItsExitCode() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String exits = "{\"image\":\"" + TestEngine.IMAGE + "\",\"tag\":\"" + TestEngine.TAG + "\",\"portToProxy\":8080,"
          + "\"command\":[\"sh\",\"-c\",\"exit 3\"]}";
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", exits);

      await().atMost(START).until(() -> state(proxy, v2).equals("FAILED"));
      assertThat(proxy.status(v2).get("stateReason").asText()).contains("exited with code 3");
      assertThat(proxy.get("/").body()).startsWith("1.0 ");
      assertThat(engine.containers(scope, v2)).isEmpty();
    }
  }

  @Test
  void deleteStopsAndRemovesTheContainers() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", container("2.0", "\"count\":2"));
      await().atMost(START).until(() -> state(proxy, v2).equals("ACTIVE"));
      assertThat(engine.containers(scope, v2)).hasSize(2);

      assertThat(proxy.admin("DELETE", "/configuration/cluster/" + v2).statusCode()).isEqualTo(202);
      assertThat(proxy.get("/").body()).startsWith("1.0 ");
      await().atMost(Duration.ofSeconds(30)).until(() -> engine.containers(scope, null).isEmpty());
    }
  }

  @Test
  void aRetiredVersionsContainersAreStoppedAndRemoved() throws Exception {
    try (TestBackend v2 = new TestBackend("v2", "2.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      String v1 = putContainers(proxy, "1.0", "{\"mode\":\"INSTANT\"}", container("1.0", null));
      await().atMost(START).until(() -> state(proxy, v1).equals("ACTIVE"));
      assertThat(engine.containers(scope, v1)).hasSize(1);

      proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":1}", "\"retireWhenDrained\":true", v2);
      await().atMost(Duration.ofSeconds(30)).until(() -> state(proxy, v1).equals("RETIRED"));
      assertThat(proxy.get("/").body()).startsWith("2.0 ");
      await().atMost(Duration.ofSeconds(30)).until(() -> engine.containers(scope, null).isEmpty());
    }
  }

  @Test
  void aContainerKilledUnderLoadFailsNoRequest() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      String v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", container("2.0", null));
      await().atMost(START).until(() -> state(proxy, v2).equals("ACTIVE"));
      String id = engine.containers(scope, v2).get(0).path("Id").asText();

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger fromV1 = new AtomicInteger();
      AtomicInteger fromV2 = new AtomicInteger();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(clients.submit(() -> {
          while (running.get()) {
            try {
              HttpResponse<String> r = proxy.get("/");
              if (r.statusCode() != 200) {
                failures.add(r.statusCode() + " " + r.body());
              } else if (r.body().startsWith("2.0 ")) {
                fromV2.incrementAndGet();
              } else {
                fromV1.incrementAndGet();
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        }));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> fromV2.get() >= 50);
      engine.kill(id);
      int v1Before = fromV1.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> fromV1.get() >= v1Before + 200);
      running.set(false);
      for (Future<?> f : futures) {
        f.get();
      }
      clients.shutdown();

      assertThat(failures).isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        JsonNode containers = proxy.status(v2).get("containers");
        return containers != null && containers.size() == 1 && containers.get(0).hasNonNull("exitCode");
      });
      assertThat(proxy.status(v2).get("containers").get(0).get("exitCode").asInt()).isNotZero();
    }
  }

  @Test
  void aRestartedProxyAdoptsItsContainersAndRemovesStrayOnes(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("state.json");
    String v2;
    List<String> before;
    try (TestBackend v1 = new TestBackend("v1", "1.0", 0)) {
      try (ProxyFixture proxy = new ProxyFixture(config().withStateFile(state))) {
        proxy.addVersion("1.0", null, v1);
        v2 = putContainers(proxy, "2.0", "{\"mode\":\"INSTANT\"}", container("2.0", "\"count\":2"));
        await().atMost(START).until(() -> state(proxy, v2).equals("ACTIVE"));
        before = ids(engine.containers(scope, v2));
      }
      assertThat(Files.readString(state)).contains("containerServers");
      String stray = engine.engine.create(null, (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
          "{\"Image\":\"" + TestEngine.IMAGE + ":" + TestEngine.TAG + "\",\"Cmd\":[\"sleep\",\"600\"],\"Labels\":{\""
              + ContainerLabels.MANAGED + "\":\"true\",\"" + ContainerLabels.SCOPE + "\":\"" + scope + "\",\""
              + ContainerLabels.VERSION_ID + "\":\"gone\"}}"));
      engine.engine.start(stray);

      try (ProxyFixture proxy = new ProxyFixture(config().withStateFile(state))) {
        await().atMost(START).until(() -> engine.containers(scope, "gone").isEmpty());
        await().atMost(START).until(() -> proxy.status(v2).get("containers") != null);
        assertThat(state(proxy, v2)).isEqualTo("ACTIVE");
        assertThat(ids(engine.containers(scope, v2))).containsExactlyInAnyOrderElementsOf(before);
        assertThat(engine.containers(scope, null)).hasSize(2);
        assertThat(proxy.get("/").body()).startsWith("2.0 ");
      }
    }
  }

  @Test
  void anUnreachableEngineIsA400NamingIt() throws Exception {
    EngineAddress nowhere = EngineAddress.unix(Path.of("/nonexistent/handover-engine.sock"));
    try (ProxyFixture proxy = new ProxyFixture(config().withContainers(ContainerSettings.of(nowhere).withScope(scope)))) {
      HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"version\":\"2.0\",\"containers\":[" + container("2.0", null) + "]}}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("cluster.containers").contains("unix:///nonexistent/handover-engine.sock");
    }
  }

  /**
   * Prints how long a container-backed version takes from PUT to its first answer, and from DELETE
   * to its containers' removal: with httpd as PID 1, which ignores SIGTERM (so the stop waits its
   * 1 s timeout), and under a shell that exits on SIGTERM.
   */
  @Test
  void printsStartAndRetireTimes() throws Exception {
    String ignoresTerm = null;
    String exitsOnTerm = "[\"sh\",\"-c\",\"mkdir -p /www && echo %s $(hostname) > /www/index.html"
        + " && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait\"]";
    try (ProxyFixture proxy = new ProxyFixture(config().withContainers(ContainerSettings.of(engine.address).withScope(scope)
        .withDrain(Duration.ZERO, 1).withPollInterval(Duration.ofMillis(300))))) {
      for (String command : new String[] {ignoresTerm, exitsOnTerm}) {
        List<Long> starts = new ArrayList<>();
        List<Long> retires = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          String version = "2." + i;
          String spec = command == null ? container(version, null)
              : "{\"image\":\"" + TestEngine.IMAGE + "\",\"tag\":\"" + TestEngine.TAG + "\",\"portToProxy\":8080,\"command\":"
                  + String.format(command, version) + "}";
          long t0 = System.nanoTime();
          String id = putContainers(proxy, version, "{\"mode\":\"INSTANT\"}", spec);
          await().pollInterval(Duration.ofMillis(10)).atMost(START).until(() -> {
            HttpResponse<String> r = proxy.get("/");
            return r.statusCode() == 200 && r.body().startsWith(version + " ");
          });
          starts.add((System.nanoTime() - t0) / 1_000_000);
          long t1 = System.nanoTime();
          assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id).statusCode()).isEqualTo(202);
          await().pollInterval(Duration.ofMillis(10)).atMost(START).until(() -> engine.containers(scope, null).isEmpty());
          retires.add((System.nanoTime() - t1) / 1_000_000);
        }
        System.out.println("container versions (" + (command == null ? "httpd as PID 1" : "exits on SIGTERM")
            + "): PUT -> first answer " + starts + " ms; DELETE -> containers gone " + retires + " ms (drain 0, stop timeout 1 s)");
        assertThat(starts).hasSize(5);
      }
    }
  }

  private static List<String> ids(List<JsonNode> containers) {
    return containers.stream().map(c -> c.path("Id").asText()).toList();
  }
}

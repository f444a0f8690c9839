package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.json.Json;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every {@code cluster} action against a real proxy on loopback, in the table and the JSON form. */
class ClusterCommandTest {

  private ProxyFixture proxy;
  private TestBackend v1;
  private TestBackend v2;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture();
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--admin-url");
    all.add("http://127.0.0.1:" + proxy.adminPort());
    return HandoverCli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<String> errLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private JsonNode json() throws Exception {
    return Json.MAPPER.readTree(out());
  }

  @Test
  void addListAndStatusAsTablesAndJson() throws Exception {
    String id1 = proxy.addVersion("1.0", null, v1);
    assertThat(run("cluster", "add", "--server", "127.0.0.1:" + v2.port(), "--version", "2.0", "--mode", "CONCURRENT",
        "--set", "comparators=[\"status\",\"body\"]", "-o", "json")).isEqualTo(0);
    String id2 = json().get("uuid").asText();

    assertThat(run("cluster", "get", id2)).isEqualTo(0);
    JsonNode transition = json().get("cluster").get("upgradeTransition");
    assertThat(transition.get("comparators")).hasSize(2);
    assertThat(transition.get("comparators").get(1).asText()).isEqualTo("body");

    assertThat(run("cluster", "list")).isEqualTo(0);
    List<String> table = out().lines().toList();
    assertThat(table.get(0)).startsWith("VERSION").contains("UUID", "STATE", "MODE", "SERVERS");
    assertThat(table.get(1)).startsWith("2.0").contains(id2, "ACTIVE", "CONCURRENT", "127.0.0.1:" + v2.port());
    assertThat(table.get(2)).startsWith("1.0").contains(id1, "INSTANT");

    assertThat(run("cluster", "list", "--json")).isEqualTo(0);
    assertThat(json()).hasSize(2);
    assertThat(json().get(0).get("cluster").get("uuid").asText()).isEqualTo(id2);

    for (int i = 0; i < 4; i++) {
      assertThat(proxy.get("/x").body()).isEqualTo("1.0 v1 GET /x");
    }
    // the backends answer with their own names, so each mirrored body differs
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> proxy.status(id2).get("mirror").get("mismatches").asInt() == 4);
    assertThat(run("cluster", "status")).isEqualTo(0);
    List<String> status = out().lines().toList();
    assertThat(status.get(0)).contains("SHARE", "UP", "FAILURES", "MATCH/MISMATCH", "STAGE");
    assertThat(status.get(1)).startsWith("2.0").contains(id2.substring(0, 8), "CONCURRENT", "1/1", "0/4");

    assertThat(run("cluster", "status", "-o", "json")).isEqualTo(0);
    assertThat(json().get("versions").get(0).get("mirror").get("mismatches").asInt()).isEqualTo(4);

    assertThat(run("cluster", "add", "--server", "127.0.0.1:" + v2.port(), "--version", "3.0", "--mode", "SESSION",
        "--set", "cookieName=plain-word", "--set", "sessionTimeout=60", "--retire-when-drained")).isEqualTo(0);
    String id3 = out().strip();
    assertThat(run("cluster", "get", "3.0")).isEqualTo(0);
    assertThat(json().get("cluster").get("uuid").asText()).isEqualTo(id3);
    assertThat(json().get("cluster").get("upgradeTransition").get("cookieName").asText()).isEqualTo("plain-word");
    assertThat(json().get("cluster").get("upgradeTransition").get("sessionTimeout").isNumber()).isTrue();
    assertThat(json().get("cluster").get("retireWhenDrained").asBoolean()).isTrue();
  }

  @Test
  void watchRedrawsInPlaceWithABarForTheShare() throws Exception {
    proxy.addVersion("1.0", null, v1);
    proxy.get("/x");
    assertThat(run("cluster", "status", "--watch", "--interval", "0.05", "--count", "2")).isEqualTo(0);
    String screen = out();
    assertThat(screen.split("\033\\[H\033\\[2J", -1)).hasSize(3);
    assertThat(screen).contains("[####################]", "100%");
  }

  @Test
  void versionsAreNamedByVersionStringOrUuidPrefixAndAnAmbiguousNameIsAUsageError() throws Exception {
    proxy.addVersion("1.0", null, v1);
    String a = proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
    assertThat(run("cluster", "rollback", "2.0")).isEqualTo(0);
    assertThat(out()).contains(a, "rolled back");
    assertThat(proxy.get("/x").body()).isEqualTo("1.0 v1 GET /x");
    assertThat(run("cluster", "activate", a.substring(0, 6))).isEqualTo(0);
    assertThat(proxy.get("/x").body()).isEqualTo("2.0 v2 GET /x");

    String b = proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
    assertThat(run("cluster", "rollback", "2.0")).isEqualTo(2);
    assertThat(errLines()).singleElement().asString().contains("'2.0' names several versions", a, b);
  }

  @Test
  void pauseHoldsPromotionResumeAllowsItAndAbortRollsBack() throws Exception {
    proxy.addVersion("1.0", null, v1);
    String id = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"comparators\":[\"status\"]}",
        "\"promote\":[{\"when\":{\"consecutiveMatches\":3},\"to\":{\"mode\":\"INSTANT\"}}]", v2);
    assertThat(run("cluster", "pause", "2.0")).isEqualTo(0);
    assertThat(run("cluster", "pause", "2.0")).isEqualTo(1);
    assertThat(errLines()).singleElement().asString().startsWith("handover: the proxy refused (409)").contains("already paused");
    for (int i = 0; i < 10; i++) {
      proxy.get("/x");
    }
    assertThat(proxy.status(id).get("promotion").get("paused").asBoolean()).isTrue();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> proxy.status(id).get("mirror").get("consecutiveMatches").asInt() >= 3);
    // over several rounds of the rollout guard, a paused version is not promoted
    org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(800)).atMost(java.time.Duration.ofSeconds(3))
        .until(() -> proxy.status(id).get("mode").asText().equals("CONCURRENT"));
    assertThat(run("cluster", "list")).isEqualTo(0);
    assertThat(out()).contains("ACTIVE (paused)");

    assertThat(run("cluster", "resume", id)).isEqualTo(0);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> proxy.status(id).get("mode").asText().equals("INSTANT"));
    assertThat(run("cluster", "promote", "2.0")).isEqualTo(1);
    assertThat(errLines()).singleElement().asString().contains("no promotion stage left");

    assertThat(run("cluster", "abort", "2.0", "--json")).isEqualTo(0);
    assertThat(json().get("action").asText()).isEqualTo("abort");
    assertThat(proxy.status(id).get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(proxy.status(id).get("promotion").get("paused").asBoolean()).isTrue();
    assertThat(proxy.get("/x").body()).isEqualTo("1.0 v1 GET /x");
  }

  @Test
  void promoteMovesToTheNextStageAtOnce() throws Exception {
    proxy.addVersion("1.0", null, v1);
    String id = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\"}",
        "\"promote\":[{\"when\":{\"consecutiveMatches\":1000},\"to\":{\"mode\":\"INSTANT\"}}]", v2);
    assertThat(run("cluster", "promote", id.substring(0, 4))).isEqualTo(0);
    assertThat(proxy.status(id).get("mode").asText()).isEqualTo("INSTANT");
    assertThat(proxy.get("/x").body()).isEqualTo("2.0 v2 GET /x");
    assertThat(run("cluster", "status")).isEqualTo(0);
    assertThat(out().lines().toList().get(1)).contains("1/1 done");
  }

  @Test
  void removeAndItsAliasDelete() throws Exception {
    proxy.addVersion("1.0", null, v1);
    proxy.addVersion("2.0", null, v2);
    assertThat(run("cluster", "remove", "2.0")).isEqualTo(0);
    assertThat(run("cluster", "delete", "1.0")).isEqualTo(0);
    assertThat(run("cluster", "list", "-o", "json")).isEqualTo(0);
    assertThat(json()).isEmpty();
  }

  @Test
  void errorsAreOneLineWithTheDocumentedExitCode() throws Exception {
    assertThat(run("cluster", "add", "--server", "localhost")).isEqualTo(2);
    assertThat(errLines()).singleElement().asString().startsWith("handover: --server localhost: expected host:port");

    assertThat(run("cluster", "list", "--colour")).isEqualTo(2);
    assertThat(errLines()).singleElement().asString().contains("unknown option '--colour'");

    assertThat(run("cluster", "frobnicate")).isEqualTo(2);
    assertThat(errLines()).singleElement().asString().contains("unknown command 'frobnicate'");

    assertThat(run("cluster", "rollback", "no-such-version")).isEqualTo(1);
    assertThat(errLines()).singleElement().asString()
        .isEqualTo("handover: the proxy refused (404): id: no cluster with id no-such-version");

    assertThat(run("cluster", "add", "--server", "127.0.0.1:1", "--mode", "GRADUAL")).isEqualTo(1);
    assertThat(errLines()).singleElement().asString().startsWith("handover: the proxy refused (400): cluster.upgradeTransition.");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    out.reset();
    err.reset();
    int code = HandoverCli.run(new String[] {"cluster", "list", "--admin", "http://127.0.0.1:" + closed},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(errLines()).singleElement().asString().startsWith("handover: no admin API at http://127.0.0.1:" + closed);
  }

  @Test
  void everyCommandHasItsHelp() {
    assertThat(run("cluster", "status", "--help")).isEqualTo(0);
    assertThat(out()).contains("--watch", "--interval", "--admin-url", "--json");
    assertThat(run("cluster", "add", "--help")).isEqualTo(0);
    assertThat(out()).contains("--set", "--server");
    out.reset();
    assertThat(HandoverCli.run(new String[] {"cluster", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(0);
    assertThat(out()).contains("promote", "pause", "resume", "abort", "remove");
  }
}

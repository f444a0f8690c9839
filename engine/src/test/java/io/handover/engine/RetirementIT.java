package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session-aware retirement: an older version no sticky client uses any more is retired. */
class RetirementIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RETIRE = "\"retireWhenDrained\":true";

  @TempDir
  Path dir;

  private TestBackend v1;
  private TestBackend v2;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
  }

  @AfterEach
  void stop() {
    v1.close();
    v2.close();
  }

  private static HandoverConfig config(Path stateFile) {
    HandoverConfig c = HandoverConfig.ephemeral().withCookieSecret("a-shared-secret-of-16+");
    return stateFile == null ? c : c.withStateFile(stateFile);
  }

  /**
   * Sends one request with this session cookie; returns the answer and the cookie to send next: the
   * one the answer set, or as a browser does the one sent when the answer set none (a cookie issued
   * in the same second is not sent again).
   */
  private static String[] visit(RawHttpConnection c, String session) throws Exception {
    RawHttpConnection.Response r = session == null ? c.get("/") : c.get("/", "Cookie: " + session);
    String set = r.header("Set-Cookie");
    return new String[] {r.text(), set == null ? session : set.split(";")[0]};
  }

  @Test
  void sessionsOnTheOldVersionExpireThenItIsRetiredAndItsSessionsMove() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(config(null)); RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      String id1 = proxy.addVersion("1.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v1);
      String session = visit(c, null)[1];
      proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":2}", RETIRE, v2);
      String[] onOld = visit(c, session);
      assertThat(onOld[0]).startsWith("1.0");

      JsonNode sticky = proxy.status(id1).get("stickyClients");
      assertThat(sticky.get("clients").asInt()).isEqualTo(1);
      assertThat(sticky.get("lastSeen").isNull()).isFalse();
      assertThat(sticky.get("idleSeconds").asDouble()).isEqualTo(2.0);
      assertThat(sticky.get("retireWhenDrained").asBoolean()).isTrue();
      assertThat(proxy.status(id1).get("state").asText()).isEqualTo("ACTIVE");

      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.status(id1).get("state").asText().equals("RETIRED"));
      // the state is published a moment before the history notes it
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.status(id1).get("history").toString().contains("RETIRED"));
      JsonNode retired = proxy.status(id1);
      assertThat(retired.get("stateReason").asText()).contains("drained: no sticky client for");
      assertThat(visit(c, onOld[1])[0]).as("the cookie of a retired version starts a new session").startsWith("2.0");
      assertThat(proxy.get("/").body()).startsWith("2.0");
    }
  }

  @Test
  void aSessionThatKeepsComingBackKeepsTheOldVersionAlive() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(config(null)); RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      String id1 = proxy.addVersion("1.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v1);
      String session = visit(c, null)[1];
      proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":2}", RETIRE, v2);
      // each visit comes well within the 2 s idle time, for three times that long
      for (int i = 0; i < 15; i++) {
        String[] r = visit(c, session);
        assertThat(r[0]).as("visit %d", i).startsWith("1.0");
        session = r[1];
        assertThat(proxy.status(id1).get("state").asText()).as("visit %d", i).isEqualTo("ACTIVE");
        Thread.sleep(400); // the client's own pace: the point is the gaps between visits
      }
      assertThat(proxy.status(id1).get("stickyClients").get("clients").asInt()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.status(id1).get("state").asText().equals("RETIRED"));
    }
  }

  @Test
  void withoutRetireWhenDrainedTheOldVersionStaysAndShowsItsClients() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(config(null))) {
      String id1 = proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":1}", v2);
      await().atMost(Duration.ofSeconds(20)).until(() -> proxy.status(id1).get("stickyClients").get("drained").asBoolean());
      assertThat(proxy.status(id1).get("state").asText()).isEqualTo("ACTIVE");
      assertThat(proxy.status(id1).get("stickyClients").get("retireWhenDrained").asBoolean()).isFalse();
    }
  }

  @Test
  void aRetiredVersionStaysRetiredOverARestart() throws Exception {
    Path state = dir.resolve("clusters.json");
    String id1;
    String id2;
    try (ProxyFixture first = new ProxyFixture(config(state))) {
      id1 = first.addVersion("1.0", null, v1);
      id2 = first.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":1}", RETIRE, v2);
      await().atMost(Duration.ofSeconds(20)).until(() -> first.status(id1).get("state").asText().equals("RETIRED"));
    }
    assertThat(Files.readString(state)).contains("\"state\" : \"RETIRED\"").contains("\"retireWhenDrained\" : true");
    try (ProxyFixture second = new ProxyFixture(config(state))) {
      assertThat(second.status(id1).get("state").asText()).isEqualTo("RETIRED");
      assertThat(second.status(id1).get("stateReason").asText()).startsWith("drained:");
      JsonNode cluster = JSON.readTree(second.admin("GET", "/configuration/cluster/" + id2).body()).get("cluster");
      assertThat(cluster.get("retireWhenDrained").asBoolean()).isTrue();
      for (int i = 0; i < 5; i++) {
        assertThat(second.get("/").body()).startsWith("2.0");
      }
    }
  }

  @Test
  void aRestartCountsAfreshBeforeRetiring() throws Exception {
    Path state = dir.resolve("clusters.json");
    String id1;
    try (ProxyFixture first = new ProxyFixture(config(state))) {
      id1 = first.addVersion("1.0", null, v1);
      first.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":30}", RETIRE, v2);
    }
    try (ProxyFixture second = new ProxyFixture(config(state))) {
      // sessions from before the restart may still be valid: a full idle time counts from the start
      JsonNode sticky = second.status(id1).get("stickyClients");
      assertThat(sticky.get("drained").asBoolean()).isFalse();
      assertThat(sticky.get("quietForSeconds").asDouble()).isLessThan(30);
      assertThat(second.status(id1).get("state").asText()).isEqualTo("ACTIVE");
    }
  }

  @Test
  void retireWhenDrainedMustBeABoolean() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(config(null))) {
      HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v1.serverJson()
          + "],\"version\":\"1.0\",\"retireWhenDrained\":\"soon\"}}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("cluster.retireWhenDrained");
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.api.VersionState;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.time.Duration;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollbackIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY = "\"rollback\":{\"windowSeconds\":5,\"minRequests\":10,\"maxFailureRate\":0.5}";

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0").behave(exchange -> {
      exchange.setStatusCode(500);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("broken");
    });
    // Passive ejection would take v2's only server out after three 500s and so hide most of its
    // failures from the rollback window; these tests are about the rollback alone.
    PoolSettings d = PoolSettings.DEFAULT;
    PoolSettings neverEject = new PoolSettings(d.connectionsPerThread(), d.maxQueueSize(), d.problemServerRetrySeconds(),
        d.idleTtlMillis(), 1_000_000, d.baseEjectionMillis(), d.maxEjectionMillis());
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withPool(neverEject));
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private VersionState state(String id) {
    return proxy.handover().registry().snapshot().get(id).info().state();
  }

  /** GETs until the version is rolled back (at most 200 requests); returns how many answered 500. */
  private int getUntilRolledBack(String id) throws Exception {
    int[] serverErrors = {0};
    // requests keep coming until the guard (every 250 ms) rolls the version back
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
      HttpResponse<String> r = proxy.get("/");
      if (r.statusCode() == 500) {
        serverErrors[0]++;
      } else {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("1.0 v1");
      }
      return state(id) == VersionState.ROLLED_BACK;
    });
    return serverErrors[0];
  }

  @Test
  void withDefaultEjectionAFailingVersionIsStillRolledBackAndClientsSeeFewErrors() throws Exception {
    try (ProxyFixture ejecting = new ProxyFixture(HandoverConfig.ephemeral())) {
      ejecting.addVersion("1.0", null, v1);
      String id2 = ejecting.addVersion("2.0", null, POLICY, v2);
      int[] serverErrors = {0};
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
        HttpResponse<String> r = ejecting.get("/");
        if (r.statusCode() == 500) {
          serverErrors[0]++;
        } else {
          assertThat(r.body()).startsWith("1.0 v1");
        }
        return ejecting.handover().registry().snapshot().get(id2).info().state() == VersionState.ROLLED_BACK;
      });
      // ejection after three failures in a row kept the rest of the broken answers from clients
      assertThat(serverErrors[0]).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void aFailingVersionIsRolledBackAndGetsNoMoreTraffic() throws Exception {
    String id2 = proxy.addVersion("2.0", null, POLICY, v2);

    int serverErrors = getUntilRolledBack(id2);

    // a 500 is not a failover status: the client saw v2's answers until the rollback
    assertThat(serverErrors).isGreaterThanOrEqualTo(10);
    int reached = v2.requests();
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("1.0 v1");
    }
    assertThat(v2.requests()).isEqualTo(reached);

    JsonNode status = proxy.status(id2);
    assertThat(status.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(status.get("stateReason").asText()).matches("failure rate 1\\.00 \\((\\d+) of \\1 requests\\) over 5 s passed 0\\.5"
        + ": Wilson lower bound 0\\.\\d{4} > 0\\.5 at 95% confidence");
    assertThat(status.get("recent").get("windowSeconds").asInt()).isEqualTo(5);
    assertThat(status.get("recent").get("failures").asLong()).isGreaterThanOrEqualTo(10);
    JsonNode server = status.get("servers").get(0);
    assertThat(server.get("address").asText()).isEqualTo("127.0.0.1:" + v2.port());
    assertThat(server.has("ejected") && server.has("activelyHealthy") && server.has("consecutiveFailures")).isTrue();
    JsonNode history = status.get("history");
    assertThat(history).hasSize(1);
    assertThat(history.get(0).get("kind").asText()).isEqualTo("automatic");
    assertThat(history.get(0).get("from").asText()).isEqualTo("ACTIVE");
    assertThat(history.get(0).get("to").asText()).isEqualTo("ROLLED_BACK");

    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + id2).body()).get("cluster");
    assertThat(cluster.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(cluster.get("stateReason").asText()).startsWith("failure rate");
    assertThat(cluster.get("rollback").get("minRequests").asInt()).isEqualTo(10);
  }

  @Test
  void anOperatorActivatesAFixedVersionAndRollsItBackAgain() throws Exception {
    String id2 = proxy.addVersion("2.0", null, POLICY, v2);
    getUntilRolledBack(id2);
    v2.behave(null);

    assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/activate").statusCode()).isEqualTo(202);
    // the failures that rolled it back no longer count: it stays active through the guard's rounds
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("2.0 v2");
      return state(id2) == VersionState.ACTIVE;
    });
    assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/activate").statusCode()).isEqualTo(409);

    assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/rollback").statusCode()).isEqualTo(202);
    assertThat(proxy.get("/").body()).startsWith("1.0 v1");
    assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/rollback").statusCode()).isEqualTo(409);
    JsonNode status = proxy.status(id2);
    assertThat(status.get("stateReason").asText()).isEqualTo("by operator");
    assertThat(status.get("history").findValuesAsText("kind")).containsExactly("automatic", "manual", "manual");
    assertThat(status.get("history").findValuesAsText("to")).containsExactly("ROLLED_BACK", "ACTIVE", "ROLLED_BACK");

    assertThat(proxy.admin("POST", "/configuration/cluster/nope/activate").statusCode()).isEqualTo(404);
    assertThat(proxy.admin("POST", "/configuration/cluster/nope/rollback").statusCode()).isEqualTo(404);
    assertThat(proxy.admin("GET", "/configuration/cluster/" + id2 + "/rollback").statusCode()).isEqualTo(405);
  }

  @Test
  void aSessionPinnedToARolledBackVersionMovesToTheOlderOne() throws Exception {
    v2.behave(null);
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":600}", v2);
    HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    assertThat(get(client)).startsWith("2.0 v2");
    assertThat(get(client)).startsWith("2.0 v2");

    assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/rollback").statusCode()).isEqualTo(202);

    int reached = v2.requests();
    for (int i = 0; i < 5; i++) {
      assertThat(get(client)).startsWith("1.0 v1");
    }
    assertThat(v2.requests()).isEqualTo(reached);
  }

  @Test
  void aDisabledPolicyKeepsTheVersionActive() throws Exception {
    String id2 = proxy.addVersion("2.0", null,
        "\"rollback\":{\"enabled\":false,\"windowSeconds\":5,\"minRequests\":10,\"maxFailureRate\":0.5}", v2);
    for (int i = 0; i < 30; i++) {
      assertThat(proxy.get("/").statusCode()).isEqualTo(500);
    }
    // active through at least two rounds of the guard
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> state(id2) == VersionState.ACTIVE);
    assertThat(proxy.status(id2).get("recent").get("failureRate").asDouble()).isEqualTo(1.0);
  }

  private String get(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}

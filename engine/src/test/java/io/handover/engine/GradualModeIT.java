package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.time.Duration;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradualModeIT {

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private String get(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void clientsMoveOverAsTheShareGrowsAndNeverMoveBack() throws Exception {
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":2}", v2);
    List<HttpClient> clients = new ArrayList<>();
    List<Boolean> moved = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      clients.add(HttpClient.newBuilder().cookieHandler(new CookieManager()).build());
      moved.add(false);
    }
    int onNewInFirstRound = 0;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < clients.size(); i++) {
        boolean onNew = get(clients.get(i)).startsWith("2.0");
        if (moved.get(i)) {
          assertThat(onNew).as("client %d moved back", i).isTrue();
        }
        moved.set(i, onNew);
        if (round == 0 && onNew) {
          onNewInFirstRound++;
        }
      }
    }
    // 30 requests at 2 % each: at most 60 % of the buckets were open during the first round
    assertThat(onNewInFirstRound).isLessThan(30);
    assertThat(moved).containsOnly(true);
    JsonNode status = new ObjectMapper().readTree(proxy.admin("GET", "/status").body());
    JsonNode strategy = status.get("versions").get(0).get("strategy");
    assertThat(status.get("versions").get(0).get("uuid").asText()).isEqualTo(id2);
    assertThat(strategy.get("share").asInt()).isEqualTo(100);
    assertThat(strategy.get("ramp").asText()).isEqualTo("per-request");
  }

  @Test
  void aTimedRampMovesEveryoneWhenItsStepEnds() throws Exception {
    proxy.addVersion("2.0", "{\"mode\":\"GRADUAL\",\"steps\":[{\"percentage\":0,\"seconds\":3},{\"percentage\":100,\"seconds\":0}]}", v2);
    HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    assertThat(get(client)).startsWith("1.0");
    // the same (sticky) client moves once the first step's 3 s are over
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> get(client).startsWith("2.0"));
  }

  @Test
  void withOneVersionLeftTrafficGoesToIt() throws Exception {
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":1}", v2);
    String id1 = proxy.handover().registry().list().get(1).id();
    assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id1).statusCode()).isEqualTo(202);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("2.0");
    }
    assertThat(proxy.handover().registry().find(id2)).isPresent();
  }

  @Test
  void invalidRampsAreRejectedNamingTheField() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson()
        + "],\"upgradeTransition\":{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":101}}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"field\":\"cluster.upgradeTransition.percentageTransitionPerRequest\"");
    HttpResponse<String> steps = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson()
        + "],\"upgradeTransition\":{\"mode\":\"GRADUAL\",\"steps\":[{\"percentage\":50,\"seconds\":1},{\"percentage\":10,\"seconds\":1}]}}}");
    assertThat(steps.statusCode()).isEqualTo(400);
    assertThat(steps.body()).contains("\"field\":\"cluster.upgradeTransition.steps[1].percentage\"");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MatchRulesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ZERO_RAMP_WITH_RULES = "{\"mode\":\"GRADUAL\",\"steps\":[{\"percentage\":0,\"seconds\":3600}],"
      + "\"match\":[{\"header\":\"X-Canary\",\"equals\":\"1\"},{\"cookie\":\"beta\",\"equals\":\"yes\"},"
      + "{\"header\":\"X-User\",\"regex\":\"^test-\"}]}";

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

  private HttpResponse<String> get(String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(proxy.proxy("/")).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return proxy.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void testersReachTheNewVersionOnAZeroPercentRampAndEveryoneElseTheOld() throws Exception {
    String id2 = proxy.addVersion("2.0", ZERO_RAMP_WITH_RULES, v2);

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> canary = get("X-Canary", "1");
      assertThat(canary.body()).startsWith("2.0 v2");
      // a tester is not pinned by the ramp's cookie
      assertThat(canary.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(get("Cookie", "beta=yes").body()).startsWith("2.0 v2");
      assertThat(get("X-User", "test-7").body()).startsWith("2.0 v2");

      assertThat(get().body()).startsWith("1.0 v1");
      assertThat(get("X-Canary", "0").body()).startsWith("1.0 v1");
      assertThat(get("Cookie", "beta=no").body()).startsWith("1.0 v1");
      assertThat(get("X-User", "prod-test-7").body()).startsWith("1.0 v1");
    }
    assertThat(v2.requests()).isEqualTo(30);

    JsonNode strategy = proxy.status(id2).get("strategy");
    assertThat(strategy.get("share").asInt()).isZero();
    assertThat(strategy.get("matchRules").asInt()).isEqualTo(3);
    assertThat(strategy.get("matchedRequests").asLong()).isEqualTo(30);
    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + id2).body()).get("cluster");
    assertThat(cluster.get("upgradeTransition").get("match")).hasSize(3);
    assertThat(cluster.get("upgradeTransition").get("match").get(2).get("regex").asText()).isEqualTo("^test-");
  }

  @Test
  void anInvalidRuleIsA400NamingTheField() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"version\":\"2.0\","
        + "\"upgradeTransition\":{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":1,"
        + "\"match\":[{\"header\":\"X-Canary\",\"equals\":\"1\"},{\"header\":\"X-User\",\"regex\":\"([a-z\"}]}}}");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body());
    assertThat(error.get("field").asText()).isEqualTo("cluster.upgradeTransition.match[1].regex");
    assertThat(error.get("error").asText()).startsWith("cluster.upgradeTransition.match[1].regex is not a valid regular expression");

    HttpResponse<String> neither = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"version\":\"2.0\","
        + "\"upgradeTransition\":{\"mode\":\"INSTANT\",\"match\":[{\"cookie\":\"beta\"}]}}}");
    assertThat(neither.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(neither.body()).get("field").asText()).isEqualTo("cluster.upgradeTransition.match[0].equals");
    // neither PUT added a version
    assertThat(proxy.handover().registry().list()).hasSize(1);
    assertThat(get("X-Canary", "1").body()).startsWith("1.0 v1");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolloutPolicyAdminIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVERS = "\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":1}]";
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private HttpResponse<String> put(String fields) throws Exception {
    return proxy.putCluster("{\"cluster\":{" + SERVERS + "," + fields + "}}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "rate above 1|\"rollback\":{\"maxFailureRate\":1.5}|cluster.rollback.maxFailureRate",
      "rate zero|\"rollback\":{\"maxFailureRate\":0}|cluster.rollback.maxFailureRate",
      "window too long|\"rollback\":{\"windowSeconds\":3601}|cluster.rollback.windowSeconds",
      "min requests zero|\"rollback\":{\"minRequests\":0}|cluster.rollback.minRequests",
      "enabled not boolean|\"rollback\":{\"enabled\":\"yes\"}|cluster.rollback.enabled",
      "rollback typo|\"rollback\":{\"maxFailRate\":0.5}|cluster.rollback.maxFailRate",
      "rollback not object|\"rollback\":true|cluster.rollback",
      "health path missing|\"healthCheck\":{\"intervalMillis\":1000}|cluster.healthCheck.path",
      "health path with space|\"healthCheck\":{\"path\":\"/a b\"}|cluster.healthCheck.path",
      "health path relative|\"healthCheck\":{\"path\":\"health\"}|cluster.healthCheck.path",
      "health interval text|\"healthCheck\":{\"path\":\"/h\",\"intervalMillis\":\"often\"}|cluster.healthCheck.intervalMillis",
      "health threshold zero|\"healthCheck\":{\"path\":\"/h\",\"unhealthyThreshold\":0}|cluster.healthCheck.unhealthyThreshold",
      "promote not array|\"promote\":{}|cluster.promote",
      "when empty|\"promote\":[{\"when\":{},\"to\":{\"mode\":\"INSTANT\"}}]|cluster.promote[0].when",
      "when missing|\"promote\":[{\"to\":{\"mode\":\"INSTANT\"}}]|cluster.promote[0].when",
      "when unknown|\"promote\":[{\"when\":{\"matches\":3},\"to\":{\"mode\":\"INSTANT\"}}]|cluster.promote[0].when.matches",
      "ramp false|\"promote\":[{\"when\":{\"rampComplete\":false},\"to\":{\"mode\":\"INSTANT\"}}]|cluster.promote[0].when.rampComplete",
      "rate without requests|\"promote\":[{\"when\":{\"maxFailureRate\":0.1},\"to\":{\"mode\":\"INSTANT\"}}]|cluster.promote[0].when.minRequests",
      "to missing|\"promote\":[{\"when\":{\"afterSeconds\":5}}]|cluster.promote[0].to",
      "to unknown mode|\"promote\":[{\"when\":{\"afterSeconds\":5},\"to\":{\"mode\":\"NOPE\"}}]|cluster.promote[0].to.mode",
      "to bad setting|\"promote\":[{\"when\":{\"afterSeconds\":5},\"to\":{\"mode\":\"INSTANT\"}},{\"when\":{\"afterSeconds\":5},\"to\":{\"mode\":\"SESSION\",\"sessionTimeout\":-1}}]|cluster.promote[1].to.sessionTimeout",
      "bad state|\"state\":\"GONE\"|cluster.state",
  })
  void badPoliciesGet400NamingTheField(String name, String fields, String field) throws Exception {
    HttpResponse<String> r = put(fields);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body());
    assertThat(error.get("field").asText()).isEqualTo(field);
    assertThat(error.get("error").asText()).startsWith(field);
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @Test
  void givenPoliciesAreEchoedWithTheirDefaults() throws Exception {
    HttpResponse<String> r = put("\"upgradeTransition\":{\"mode\":\"CONCURRENT\"},"
        + "\"healthCheck\":{\"path\":\"/health\"},\"rollback\":{\"maxFailureRate\":0.2},"
        + "\"promote\":[{\"when\":{\"consecutiveMatches\":100},\"to\":{\"mode\":\"gradual\",\"percentageTransitionPerRequest\":1}}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + r.body()).body()).get("cluster");
    assertThat(cluster.get("healthCheck").toString())
        .isEqualTo("{\"path\":\"/health\",\"intervalMillis\":5000,\"timeoutMillis\":1000,\"healthyThreshold\":2,\"unhealthyThreshold\":3}");
    assertThat(cluster.get("rollback").toString())
        .isEqualTo("{\"enabled\":true,\"windowSeconds\":30,\"maxFailureRate\":0.2,\"minRequests\":20,\"countMismatches\":true}");
    assertThat(cluster.get("promote").toString())
        .isEqualTo("[{\"when\":{\"consecutiveMatches\":100},\"to\":{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":1}}]");
    assertThat(cluster.has("state")).isFalse();
    assertThat(cluster.has("promotionStage")).isFalse();
  }

  @Test
  void aPlainClusterReadsAsItAlwaysDid() throws Exception {
    HttpResponse<String> r = put("\"version\":\"1.0\"");
    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + r.body()).body()).get("cluster");
    assertThat(cluster.fieldNames()).toIterable().containsExactly("servers", "upgradeTransition", "uuid", "version");
    JsonNode status = proxy.status(r.body());
    assertThat(status.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(status.get("stateReason").isNull()).isTrue();
    assertThat(status.get("recent").get("windowSeconds").asInt()).isEqualTo(30);
    assertThat(status.get("promotion").get("of").asInt()).isZero();
    assertThat(status.get("history")).isEmpty();
    assertThat(status.has("mirror") && status.has("strategy")).isTrue();
  }
}

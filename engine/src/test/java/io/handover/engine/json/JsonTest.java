package io.handover.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.engine.config.ClusterJson;
import io.handover.engine.registry.ClusterConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static ClusterConfig parse(String json) {
    return ClusterJson.parseBody(json.getBytes(StandardCharsets.UTF_8), 0);
  }


  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown nested key|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1,\"prot\":2}]}}|cluster.servers[0].prot|cluster.servers[0].prot: unknown key; known: hostname, ip, port",
      "fraction for a whole number|" + "{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1.5}]}}|cluster.servers[0].port|cluster.servers[0].port must be a whole number",
      "huge exponent for a whole number|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1e999999999}]}}|cluster.servers[0].port|cluster.servers[0].port must be a whole number",
      "long digits|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":123456789012345678901234567890}]}}|cluster.servers[0].port|cluster.servers[0].port is too large",
      "number for a host|{\"cluster\":{\"servers\":[{\"hostname\":7,\"port\":1}]}}|cluster.servers[0].hostname|cluster.servers[0].hostname must be a string",
      "huge exponent version|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"version\":1e999999999}}|cluster.version|cluster.version must have at most 100 digits",
      "negative huge exponent version|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"version\":1e-50000000}}|cluster.version|cluster.version must have at most 100 digits",
      "string for a boolean|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"rollback\":{\"enabled\":1}}}|cluster.rollback.enabled|cluster.rollback.enabled must be true or false",
      "host with a port|{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1:80\",\"port\":1}]}}|cluster.servers[0].hostname|cluster.servers[0].hostname must be a host name or IP address",
      "host in brackets|{\"cluster\":{\"servers\":[{\"ip\":\"[::1]\",\"port\":1}]}}|cluster.servers[0].ip|cluster.servers[0].ip must be a host name or IP address",
      "host with a space|{\"cluster\":{\"servers\":[{\"hostname\":\"a b\",\"port\":1}]}}|cluster.servers[0].hostname|cluster.servers[0].hostname must be a host name or IP address",
      "null server|{\"cluster\":{\"servers\":[null]}}|cluster.servers[0]|cluster.servers[0] must be an object",
      "servers not a list|{\"cluster\":{\"servers\":{}}}|cluster.servers|cluster.servers must be an array",
  })
  void namesTheFieldOfEveryProblem(String name, String json, String field, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(JsonInputException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(message);
  }

  @Test
  void tooDeepNestingIsRefused() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    assertThatThrownBy(() -> parse("{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"upgradeTransition\":{\"mode\":\"INSTANT\",\"x\":"
        + deep + "}}}"))
        .isInstanceOf(JsonInputException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void readsTheOriginalFormat() {
    ClusterConfig c = parse("{\"cluster\":{\"servers\":[{\"ip\":\" 10.0.0.1 \",\"port\":\"1036\"}],\"version\":1.10}}");
    assertThat(c.servers().get(0).authority()).isEqualTo("10.0.0.1:1036");
    assertThat(c.version().label()).isEqualTo("1.10");
    assertThat(c.mode()).isEqualTo("INSTANT");
    assertThat(parse("{\"cluster\":{\"servers\":[{\"hostname\":\"::1\",\"port\":1},{\"hostname\":\"backend-2.example\",\"port\":2},"
        + "{\"hostname\":\"localhost\",\"port\":3}]}}").servers()).extracting(s -> s.authority())
        .containsExactly("[::1]:1", "backend-2.example:2", "localhost:3");
  }

  @Test
  void wholeNumbersAreCheckedInOnePlace() {
    assertThat(Json.whole(null, "x", 7, 0, 10)).isEqualTo(7);
    assertThat(Json.whole(10L, "x", 7, 0, 10)).isEqualTo(10);
    assertThatThrownBy(() -> Json.whole(11L, "x", 7, 0, 10)).hasMessage("x must be a whole number from 0 to 10, not 11");
    assertThatThrownBy(() -> Json.whole(0L, "x", 7, 1, Long.MAX_VALUE)).hasMessage("x must be a whole number of at least 1, not 0");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PromotionIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STAGES = "\"promote\":["
      + "{\"when\":{\"consecutiveMatches\":5},\"to\":{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":50}},"
      + "{\"when\":{\"rampComplete\":true},\"to\":{\"mode\":\"INSTANT\"}}]";

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0").behave(same());
    v2 = new TestBackend("v2", "2.0").behave(same());
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private static HttpHandler same() {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("same answer");
    };
  }

  private String mode(String id) {
    return proxy.handover().registry().find(id).orElseThrow().mode();
  }

  @Test
  void matchingAnswersPromoteConcurrentToGradualAndAFinishedRampToInstant() throws Exception {
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"timeoutMillis\":2000}", STAGES, v2);
    JsonNode waiting = proxy.status(id2).get("promotion");
    assertThat(waiting.get("stage").asInt()).isZero();
    assertThat(waiting.get("of").asInt()).isEqualTo(2);
    assertThat(waiting.get("next").get("when").get("consecutiveMatches").asInt()).isEqualTo(5);
    assertThat(waiting.get("next").get("to").asText()).isEqualTo("GRADUAL");

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
      assertThat(proxy.get("/").body()).isEqualTo("same answer");
      return mode(id2).equals("INSTANT");
    });

    JsonNode status = proxy.status(id2);
    JsonNode history = status.get("history");
    assertThat(history.findValuesAsText("kind")).containsExactly("automatic", "automatic");
    assertThat(history.findValuesAsText("from")).containsExactly("CONCURRENT", "GRADUAL");
    assertThat(history.findValuesAsText("to")).containsExactly("GRADUAL", "INSTANT");
    assertThat(history.get(0).get("reason").asText()).startsWith("stage 1 of 2: ").contains("consecutive matches (at least 5)");
    assertThat(history.get(1).get("reason").asText()).startsWith("stage 2 of 2: ").contains("ramp complete");
    assertThat(status.get("promotion").get("stage").asInt()).isEqualTo(2);
    assertThat(status.get("promotion").get("next").isNull()).isTrue();
    assertThat(status.get("mode").asText()).isEqualTo("INSTANT");

    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + id2).body()).get("cluster");
    assertThat(cluster.get("upgradeTransition").get("mode").asText()).isEqualTo("INSTANT");
    assertThat(cluster.get("promotionStage").asInt()).isEqualTo(2);
    assertThat(cluster.get("promote")).hasSize(2);
    assertThat(cluster.has("state")).isFalse();

    int old = v1.requests();
    for (int i = 0; i < 10; i++) {
      assertThat(proxy.get("/").headers().firstValue("X-Version")).hasValue("2.0");
    }
    assertThat(v1.requests()).isEqualTo(old);
  }

  @Test
  void aStageWaitsForItsConditions() throws Exception {
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}",
        "\"promote\":[{\"when\":{\"afterSeconds\":0,\"minRequests\":5,\"maxFailureRate\":0},\"to\":{\"mode\":\"INSTANT\"}}]", v2);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
      proxy.get("/");
      return mode(id2).equals("INSTANT");
    });
    assertThat(v2.requests()).isGreaterThanOrEqualTo(5);
    // the history is written just after the new mode is published
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.status(id2).get("history").size() > 0);
    assertThat(proxy.status(id2).get("history").get(0).get("reason").asText())
        .matches("stage 1 of 1: \\d+ s into the stage \\(at least 0\\), \\d+ requests over 30 s \\(at least 5\\) with failure rate 0\\.00 \\(at most 0\\)");
  }
}

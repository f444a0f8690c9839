package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CONCURRENT judges the candidate's latency against the older version's, request by request. */
class PairedLatencyIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0").behave(answer(0));
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

  /** The same answer from both versions, after {@code delayMillis} on a worker thread. */
  private static HttpHandler answer(long delayMillis) {
    return new HttpHandler() {
      @Override
      public void handleRequest(io.undertow.server.HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        Thread.sleep(delayMillis);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send("same answer");
      }
    };
  }

  private String state(String id) {
    return proxy.handover().registry().find(id).orElseThrow().rollout().state().name();
  }

  @Test
  void aCandidateSlowerByMoreThanTheLimitIsRolledBackWithTheTestsNumbers() throws Exception {
    v2.behave(answer(80));
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"timeoutMillis\":5000}",
        "\"rollback\":{\"maxLatencyIncreaseMillis\":20,\"minRequests\":20}", v2);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> {
      assertThat(proxy.get("/").body()).isEqualTo("same answer");
      return state(id2).equals("ROLLED_BACK");
    });
    String reason = proxy.handover().registry().find(id2).orElseThrow().rollout().reason();
    assertThat(reason).startsWith("latency over 30 s: ").contains("paired requests slower by more than 20 ms (median +")
        .containsPattern("sign test p = [0-9.eE+-]+ < 0.05");
    JsonNode latency = proxy.status(id2).at("/evidence/latency");
    assertThat(latency.get("verdict").asText()).isEqualTo("SLOWER");
    assertThat(latency.get("pairs").asLong()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void aCandidateAsFastIsPromotedOnlyOnceTheTestSaysSoWithItsNumbers() throws Exception {
    v2.behave(answer(0));
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"timeoutMillis\":5000}",
        "\"rollback\":{\"maxLatencyIncreaseMillis\":50,\"minRequests\":20},"
            + "\"promote\":[{\"when\":{\"consecutiveMatches\":3},\"to\":{\"mode\":\"INSTANT\"}}]", v2);
    for (int i = 0; i < 5; i++) {
      assertThat(proxy.get("/").body()).isEqualTo("same answer");
    }
    JsonNode holding = proxy.status(id2).at("/evidence/latency");
    assertThat(holding.get("decision").asText()).as("5 pairs of the 20 needed").isEqualTo("hold");
    assertThat(holding.get("pairsNeeded").asLong()).isPositive();
    assertThat(proxy.handover().registry().find(id2).orElseThrow().mode()).isEqualTo("CONCURRENT");

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1)).until(() -> {
      assertThat(proxy.get("/").body()).isEqualTo("same answer");
      return proxy.handover().registry().find(id2).orElseThrow().mode().equals("INSTANT");
    });
    // the new mode is published a moment before the history notes it
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.status(id2).get("history").size() > 0);
    String reason = proxy.status(id2).get("history").get(0).get("reason").asText();
    assertThat(reason).contains("consecutive matches").contains("latency over 30 s: ")
        .contains("paired requests not slower by more than 50 ms").containsPattern("sign test p = [0-9.eE+-]+ < 0.05");
  }

  @Test
  void maxLatencyIncreaseMillisIsValidated() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson()
        + "],\"version\":\"2.0\",\"rollback\":{\"maxLatencyIncreaseMillis\":-5}}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("cluster.rollback.maxLatencyIncreaseMillis");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Noise-aware comparison through the proxy: two servers of the older version that put a random
 * {@code requestId} and a served-at header in every answer, and a candidate that differs only there.
 */
class NoiseIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong CLOCK = new AtomicLong();
  private TestBackend v1a;
  private TestBackend v1b;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1a = new TestBackend("v1a", "1.0").behave(cart(10));
    v1b = new TestBackend("v1b", "1.0").behave(cart(10));
    v2 = new TestBackend("v2", "2.0").behave(cart(10));
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1a, v1b);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1a.close();
    v1b.close();
    v2.close();
  }

  /** A cart whose requestId and X-Served-At change with every answer; the total is what matters. */
  private static HttpHandler cart(int total) {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseHeaders().put(new HttpString("X-Served-At"), Long.toString(CLOCK.incrementAndGet()));
      exchange.getResponseSender().send("{\"requestId\":\"" + UUID.randomUUID() + "\",\"items\":[\"apple\"],\"total\":" + total + "}");
    };
  }

  private String addCandidate(boolean learn) throws Exception {
    return proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"noiseSampleRate\":1,\"learnNoise\":" + learn
        + ",\"comparatorSettings\":{\"headers\":{\"headers\":[\"Content-Type\",\"X-Served-At\"]}}}", v2);
  }

  private JsonNode mirror(String id) throws Exception {
    return proxy.status(id).get("mirror");
  }

  private static List<String> places(JsonNode mirror) {
    List<String> out = new ArrayList<>();
    mirror.get("noise").get("places").forEach(p -> out.add(p.get("kind").asText() + " " + p.get("name").asText()));
    return out;
  }

  private List<String> servedBy(int requests) throws Exception {
    List<String> versions = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> r = proxy.get("/api/cart");
      assertThat(r.statusCode()).isEqualTo(200);
      versions.add(r.headers().firstValue("X-Version").orElse("?"));
    }
    return versions;
  }

  @Test
  void learnedNoiseIsLeftOutAndARealDifferenceIsStillCaught() throws Exception {
    String id = addCandidate(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      proxy.get("/api/cart");
      return places(mirror(id)).containsAll(List.of("body /requestId", "header x-served-at"));
    });
    JsonNode learned = mirror(id);
    assertThat(learned.get("noise").get("samples").asLong()).isPositive();
    JsonNode place = learned.get("noise").get("places").get(0);
    assertThat(place.get("older").asText()).isNotEqualTo(place.get("otherOlder").asText());
    long before = learned.get("mismatches").asLong();

    assertThat(servedBy(20)).containsOnly("2.0");
    assertThat(mirror(id).get("mismatches").asLong()).isEqualTo(before);

    v2.behave(cart(11));
    assertThat(servedBy(1)).containsExactly("1.0");
    JsonNode after = mirror(id);
    assertThat(after.get("mismatches").asLong()).isEqualTo(before + 1);
    JsonNode last = after.get("lastMismatches").get(after.get("lastMismatches").size() - 1);
    assertThat(last.get("reasons").toString()).contains("/total: 10 vs 11").doesNotContain("requestId");
  }

  @Test
  void withoutLearningNoiseIsReportedButStillMismatchesUntilAccepted() throws Exception {
    String id = addCandidate(false);
    assertThat(servedBy(4)).containsOnly("1.0");
    JsonNode mirror = mirror(id);
    assertThat(mirror.get("mismatches").asLong()).isEqualTo(4);
    assertThat(mirror.get("lastMismatches").get(0).get("reasons").toString()).contains("/requestId").contains("X-Served-At");
    await().atMost(Duration.ofSeconds(10)).until(() -> places(mirror(id)).size() == 2);

    HttpResponse<String> accepted = proxy.client().send(java.net.http.HttpRequest.newBuilder(
            proxy.admin("/configuration/cluster/" + id + "/noise/accept"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(accepted.body());
    assertThat(body.get("ignoreJsonPointers").toString()).isEqualTo("[\"/requestId\"]");
    assertThat(body.get("ignoreHeaders").toString()).isEqualTo("[\"x-served-at\"]");

    JsonNode cluster = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + id).body());
    assertThat(cluster.toString()).contains("\"ignoreJsonPointers\":[\"/requestId\"]").contains("\"ignoreHeaders\":[\"x-served-at\"]");
    assertThat(places(mirror(id))).isEmpty();
    long before = mirror(id).get("mismatches").asLong();
    assertThat(servedBy(10)).containsOnly("2.0");
    assertThat(mirror(id).get("mismatches").asLong()).isEqualTo(before);
    // nothing left to accept
    HttpResponse<String> again = proxy.client().send(java.net.http.HttpRequest.newBuilder(
            proxy.admin("/configuration/cluster/" + id + "/noise/accept"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(409);
  }

  @Test
  void aVersionWithOneServerTakesNoSample() throws Exception {
    proxy.close();
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1a);
    String id = addCandidate(true);
    servedBy(5);
    assertThat(mirror(id).get("noise").get("samples").asLong()).isZero();
    assertThat(v1b.requests()).isZero();
  }
}

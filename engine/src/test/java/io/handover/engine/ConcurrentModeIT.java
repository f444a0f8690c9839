package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConcurrentModeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;
  private String id1;
  private String id2;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0").behave(fixed(200, "text/plain", "same answer"));
    v2 = new TestBackend("v2", "2.0").behave(fixed(200, "text/plain", "same answer"));
    proxy = new ProxyFixture();
    id1 = proxy.addVersion("1.0", null, v1);
    id2 = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"timeoutMillis\":1500}", v2);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private static HttpHandler fixed(int status, String contentType, String body) {
    return exchange -> {
      exchange.setStatusCode(status);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
      exchange.getResponseSender().send(body);
    };
  }

  private static HttpHandler slow(long millis, String body) {
    return exchange -> {
      Thread.sleep(millis);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send(body);
    };
  }

  private JsonNode mirrorStatus() throws Exception {
    for (JsonNode v : JSON.readTree(proxy.admin("GET", "/status").body()).get("versions")) {
      if (v.get("uuid").asText().equals(id2)) {
        return v.get("mirror");
      }
    }
    throw new AssertionError("no status for " + id2);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return proxy.get(path);
  }

  @Test
  void identicalAnswersServeTheNewVersion() throws Exception {
    HttpResponse<String> r = get("/same?x=1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("same answer");
    assertThat(r.headers().firstValue("X-Version")).hasValue("2.0");
    assertThat(v1.requests()).isEqualTo(1);
    assertThat(v2.requests()).isEqualTo(1);
    assertThat(mirrorStatus().get("matches").asInt()).isEqualTo(1);
  }

  @Test
  void aDifferentStatusServesTheOldVersionAndRecordsTheMismatch() throws Exception {
    v2.behave(fixed(500, "text/plain", "same answer"));
    HttpResponse<String> r = get("/orders");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
    JsonNode mirror = mirrorStatus();
    assertThat(mirror.get("mismatches").asInt()).isEqualTo(1);
    JsonNode last = mirror.get("lastMismatches").get(0);
    assertThat(last.get("request").asText()).isEqualTo("GET /orders");
    assertThat(last.get("reasons").toString()).contains("500");
    assertThat(last.get("older").get("status").asInt()).isEqualTo(200);
    assertThat(last.get("candidate").get("status").asInt()).isEqualTo(500);
  }

  @Test
  void aDifferentBodyOrHeaderServesTheOldVersion() throws Exception {
    v2.behave(fixed(200, "text/plain", "another answer"));
    assertThat(get("/").headers().firstValue("X-Version")).hasValue("1.0");
    v2.behave(fixed(200, "application/json", "same answer"));
    HttpResponse<String> r = get("/");
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain");
    assertThat(mirrorStatus().get("mismatches").asInt()).isEqualTo(2);
  }

  @Test
  void whenTheOldVersionFailsTheNewAnswerIsServedAndNothingIsDeleted() throws Exception {
    v1.close();
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Version")).hasValue("2.0");
    assertThat(proxy.handover().registry().find(id1)).isPresent();
    assertThat(proxy.handover().registry().find(id2)).isPresent();
    assertThat(mirrorStatus().get("lastMismatches").get(0).get("reasons").toString()).contains("older version failed");
  }

  @Test
  void whenTheNewVersionFailsTheOldAnswerIsServed() throws Exception {
    v2.close();
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
  }

  @Test
  void aSlowVersionIsGivenUpAfterTheTimeout() throws Exception {
    v2.behave(slow(3_000, "same answer"));
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
    assertThat(mirrorStatus().get("lastMismatches").get(0).get("reasons").toString()).contains("no answer within 1500 ms");

    v2.behave(fixed(200, "text/plain", "same answer"));
    v1.behave(slow(3_000, "same answer"));
    HttpResponse<String> other = get("/");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("X-Version")).hasValue("2.0");
  }

  @Test
  void postIsNotMirroredByDefault() throws Exception {
    HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/orders"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"qty\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
    assertThat(v1.requests()).isEqualTo(1);
    assertThat(v2.requests()).isZero();
    assertThat(mirrorStatus().get("skipped").asInt()).isEqualTo(1);
  }

  @Test
  void mirroredRequestBodiesReachBothVersions() throws Exception {
    String id3 = proxy.addVersion("3.0", "{\"mode\":\"CONCURRENT\",\"mirrorMethods\":[\"GET\",\"PUT\"]}", v2);
    v1.behave(null);
    v2.behave(null);
    HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/digest"))
        .PUT(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    // both answered with the digest of the same body, so they matched and the newest answered
    assertThat(r.headers().firstValue("X-Version")).hasValue("2.0");
    assertThat(r.body()).endsWith(" 7");
    assertThat(proxy.handover().registry().find(id3)).isPresent();
  }

  @Test
  void largeResponsesStreamFromTheOldVersionUncompared() throws Exception {
    v1.behave(null);
    v2.behave(null);
    int size = 3 * 1024 * 1024;
    HttpResponse<byte[]> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/download?bytes=" + size)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(size);
    assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
    assertThat(mirrorStatus().get("skipped").asInt()).isEqualTo(1);
  }
}

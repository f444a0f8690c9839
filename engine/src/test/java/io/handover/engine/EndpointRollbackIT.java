package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.api.VersionState;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One endpoint that fails among healthy ones rolls the version back, though the overall rate stays below the threshold. */
class EndpointRollbackIT {

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0").behave(exchange -> {
      exchange.setStatusCode(exchange.getRequestPath().equals("/api/broken") ? 500 : 200);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("v2");
    });
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private String addCandidate(String endpoints) throws Exception {
    return proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}",
        "\"rollback\":{\"windowSeconds\":60,\"maxFailureRate\":0.3,\"minRequests\":20" + endpoints + "}", v2);
  }

  /** 150 healthy requests over three endpoints, then the broken one until the version is rolled back. */
  private void drive(String id) throws Exception {
    for (int i = 0; i < 50; i++) {
      for (String path : new String[] {"/api/cart", "/api/item/" + i, "/api/item/" + (i + 1000)}) {
        assertThat(proxy.get(path).statusCode()).isEqualTo(200);
      }
    }
    assertThat(proxy.handover().registry().snapshot().get(id).info().state()).isEqualTo(VersionState.ACTIVE);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
      proxy.get("/api/broken");
      return proxy.handover().registry().snapshot().get(id).info().state() == VersionState.ROLLED_BACK;
    });
  }

  @Test
  void aFailingTemplateEndpointIsNamedInTheReason() throws Exception {
    String id = addCandidate(",\"endpoints\":[\"GET /api/cart\",\"GET /api/item/*\",\"GET /api/broken\"]");
    drive(id);
    JsonNode status = proxy.status(id);
    String reason = status.get("stateReason").asText();
    assertThat(reason).startsWith("GET /api/broken: 100 % failed (").contains("over 60 s passed 0.3");
    long brokenRequests = Long.parseLong(reason.replaceAll(".*\\((\\d+) of .*", "$1"));
    // the overall rate stayed below the threshold: 150 healthy requests against these
    assertThat((double) brokenRequests / (brokenRequests + 150)).isLessThan(0.3);
    JsonNode endpoints = status.get("evidence").get("endpoints");
    assertThat(endpoints.get(0).get("endpoint").asText()).isEqualTo("GET /api/cart");
    assertThat(endpoints.get(0).get("failures").asLong()).isZero();
    assertThat(endpoints.get(1).get("endpoint").asText()).isEqualTo("GET /api/item/*");
    assertThat(endpoints.get(1).get("samples").asLong()).isEqualTo(100);
    assertThat(endpoints.get(2).get("verdict").asText()).isEqualTo("ABOVE");
  }

  @Test
  void withoutTemplatesThePathsSeenAreJudged() throws Exception {
    String id = addCandidate("");
    drive(id);
    assertThat(proxy.status(id).get("stateReason").asText()).startsWith("GET /api/broken: 100 % failed (");
  }

  @Test
  void aBadTemplateIsRejectedNamingTheEntry() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"version\":\"2.0\","
        + "\"rollback\":{\"endpoints\":[\"GET /a\",\"/api/cart\"]}}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("rollback.endpoints[1]").contains("a method, a space and a path");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.config.OperationsSettings;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.StatusCodes;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics}, {@code /healthz} and {@code /readyz} as Prometheus and an orchestrator read them. */
class MetricsIT {

  /** Two failures in a row eject a server, for a minute. */
  private static HandoverConfig config() {
    return HandoverConfig.ephemeral().withPool(new PoolSettings(256, 1024, 10, 60_000, 2, 60_000, 60_000));
  }

  /** The value of one series, e.g. {@code handover_failovers_total{version="2.0"}}; fails when it is absent. */
  static double value(String metrics, String name, String... labels) {
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        Matcher m = Pattern.compile(" ([-+0-9.eE]+|NaN)$").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Double.parseDouble(m.group(1));
      }
    }
    throw new AssertionError("no series " + name + " with " + String.join(", ", labels) + " in:\n" + metrics);
  }

  @Test
  void aKnownSequenceOfRequestsShowsExactlyItsNumbers() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      v2.behave(exchange -> {
        int status = switch (exchange.getRequestPath()) {
          case "/err" -> 500;
          case "/fail" -> 503;
          default -> 200;
        };
        exchange.setStatusCode(status);
        exchange.getResponseSender().send("2.0 " + status);
      });
      proxy.addVersion("1.0", null, v1);
      String id2 = proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
      for (int i = 0; i < 3; i++) {
        assertThat(proxy.get("/ok").statusCode()).isEqualTo(200);
      }
      // a 500 is served as it is; a 503 fails over to 1.0, and is the second failure in a row: v2's server is ejected
      assertThat(proxy.get("/err").statusCode()).isEqualTo(500);
      HttpResponse<String> failedOver = proxy.get("/fail");
      assertThat(failedOver.statusCode()).isEqualTo(200);
      assertThat(failedOver.body()).startsWith("1.0");
      assertThat(proxy.admin("POST", "/configuration/cluster/" + id2 + "/rollback").statusCode()).isEqualTo(StatusCodes.ACCEPTED);

      String server2 = "server=\"127.0.0.1:" + v2.port() + "\"";
      String server1 = "server=\"127.0.0.1:" + v1.port() + "\"";
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(value(proxy.admin("GET", "/metrics").body(), "handover_requests_in_flight", "version=\"2.0\"")).isZero());
      String m = proxy.admin("GET", "/metrics").body();
      assertThat(value(m, "handover_requests_total", "version=\"2.0\"", "class=\"2xx\"")).isEqualTo(4);
      assertThat(value(m, "handover_requests_total", "version=\"2.0\"", "class=\"5xx\"")).isEqualTo(1);
      assertThat(value(m, "handover_request_duration_seconds_count", "version=\"2.0\"")).isEqualTo(5);
      assertThat(value(m, "handover_server_answers_total", server2, "class=\"2xx\"")).isEqualTo(3);
      assertThat(value(m, "handover_server_answers_total", server2, "class=\"5xx\"")).isEqualTo(2);
      assertThat(value(m, "handover_server_failures_total", server2, "kind=\"server_error\"")).isEqualTo(2);
      assertThat(value(m, "handover_server_failures_total", server2, "kind=\"refused\"")).isZero();
      assertThat(value(m, "handover_server_response_time_seconds_count", server2)).isEqualTo(5);
      assertThat(value(m, "handover_server_answers_total", server1, "class=\"2xx\"")).isEqualTo(1);
      assertThat(value(m, "handover_failovers_total", "version=\"2.0\"")).isEqualTo(1);
      assertThat(value(m, "handover_server_ejections_total", server2)).isEqualTo(1);
      assertThat(value(m, "handover_server_available", server2)).isZero();
      assertThat(value(m, "handover_server_in_flight", server2)).isZero();
      // one request, one kept-alive connection in 1.0's pool; none of 2.0's is counted as unreadable
      assertThat(value(m, "handover_server_connections", server1)).isEqualTo(1);
      assertThat(value(m, "handover_server_connections", server2)).isBetween(0.0, 1.0);
      assertThat(value(m, "handover_rollbacks_total", "version=\"2.0\"")).isEqualTo(1);
      assertThat(value(m, "handover_promotions_total", "version=\"2.0\"")).isZero();
      assertThat(value(m, "handover_version_active", "version=\"2.0\"")).isZero();
      assertThat(value(m, "handover_version_active", "version=\"1.0\"")).isEqualTo(1);
      assertThat(value(m, "handover_listener_connections", "listener=\"proxy\"")).isGreaterThanOrEqualTo(1);
      assertThat(m).contains("jvm_memory_used_bytes", "jvm_buffer_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage");

      // the status tells the same story after the rollback: the server is still out, and why
      JsonNode server = proxy.status(id2).path("servers").get(0);
      assertThat(server.path("ejected").asBoolean()).isTrue();
      assertThat(server.path("totalEjections").asLong()).isEqualTo(1);
      assertThat(server.path("lastFailure").asText()).isEqualTo("5xx answer");
      assertThat(server.path("ejectedUntil").asText()).isNotEmpty();
      assertThat(server.path("lastFailureAt").asText()).isNotEmpty();
    }
  }

  @Test
  void mirroredComparisonsAreCountedPerVersion() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      v1.behave(exchange -> exchange.getResponseSender().send(exchange.getRequestPath().equals("/same") ? "same" : "old"));
      v2.behave(exchange -> exchange.getResponseSender().send(exchange.getRequestPath().equals("/same") ? "same" : "new"));
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\"}", v2);
      for (int i = 0; i < 3; i++) {
        assertThat(proxy.get("/same").body()).isEqualTo("same");
      }
      assertThat(proxy.get("/differs").body()).isEqualTo("old");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        String m = proxy.admin("GET", "/metrics").body();
        assertThat(value(m, "handover_mirror_matches_total", "version=\"2.0\"")).isEqualTo(3);
        assertThat(value(m, "handover_mirror_mismatches_total", "version=\"2.0\"")).isEqualTo(1);
        assertThat(value(m, "handover_mirror_skipped_total", "version=\"2.0\"")).isZero();
      });
    }
  }

  @Test
  void metricsOffLeavesTheRequestSeriesAtZeroAndTheProcessSeriesOn() throws Exception {
    HandoverConfig off = config().withOperations(OperationsSettings.DEFAULT.withMetrics(false));
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(off)) {
      proxy.addVersion("1.0", null, v1);
      assertThat(proxy.get("/ok").statusCode()).isEqualTo(200);
      String m = proxy.admin("GET", "/metrics").body();
      assertThat(m).doesNotContain("handover_requests_total").contains("jvm_memory_used_bytes", "handover_version_active");
    }
  }

  @Test
  void healthAndReadiness() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(config())) {
      assertThat(proxy.admin("GET", "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = proxy.admin("GET", "/readyz");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("no version is active");
      proxy.addVersion("1.0", null, v1);
      assertThat(proxy.admin("GET", "/readyz").statusCode()).isEqualTo(200);
      assertThat(proxy.admin("POST", "/readyz").statusCode()).isEqualTo(405);
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.handover.engine.support.HandoverProcess;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log as an operator reads it, from the {@code handover} command in its own process: a flood
 * of bad requests is a line per kind per interval with no stack trace, every admin change is an
 * audit line with who, what and the result, and an admin API off loopback without a token is
 * warned about.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorLogIT {

  private static final int EACH = 20;

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path config(String json) throws Exception {
    return Files.writeString(dir.resolve("handover-" + System.nanoTime() + ".json"), json);
  }

  @Test
  void aFloodOfBadRequestsIsOneLinePerKindWithNoStackTrace() throws Exception {
    try (TestBackend backend = new TestBackend("b1", "1.0");
        HandoverProcess p = HandoverProcess.start(config("{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\","
            + "\"maxRequestBodyBytes\":1000,\"bodyReadTimeoutMillis\":300},\"configService\":{\"port\":0},"
            + "\"cluster\":{\"servers\":[" + backend.serverJson() + "],\"version\":\"1.0\"}}"))) {
      int before = p.lines().size();
      long started = System.nanoTime();
      // each kind's raw request and the status it gets
      Map<String, Integer> kinds = Map.ofEntries(
          Map.entry("GET /" + "u".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
          Map.entry("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(9_000) + "\r\n\r\n", 431),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775808\r\n\r\n", 400),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 400),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
          Map.entry("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + "c".repeat(2_000) + "\r\n0\r\n\r\n", 413),
          Map.entry("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b", 408),
          Map.entry("GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n", 400));
      for (Map.Entry<String, Integer> kind : kinds.entrySet()) {
        List<RawHttpConnection> sent = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
          RawHttpConnection c = new RawHttpConnection(p.proxyPort());
          c.send(kind.getKey());
          sent.add(c);
        }
        for (RawHttpConnection c : sent) {
          try (c) {
            assertThat(c.read("GET").status()).as("answer to %s", kind.getKey().lines().findFirst().orElseThrow())
                .isEqualTo(kind.getValue());
          }
        }
      }
      assertThat(new RawHttpConnection(p.proxyPort()).get("/after").status()).isEqualTo(200);
      long intervals = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) / 10;

      List<String> flood = p.lines().subList(before, p.lines().size());
      assertThat(flood).as("stack trace lines").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
      assertThat(flood).as("lines logged for %d bad requests", EACH * kinds.size()).hasSizeLessThanOrEqualTo(2 * kinds.size());
      for (String reason : List.of("with 414 since the last report: the request target is too long",
          "with 431 since the last report: a header line is too long",
          "with 400 since the last report: Transfer-Encoding must end in chunked",
          "with 501 since the last report: only the chunked transfer coding",
          "with 405 since the last report: CONNECT is not served",
          "with 413 since the last report: the request body is larger than the proxy accepts",
          "with 413 since the last report: the request body is larger than 1000 bytes",
          "with 408 since the last report: the request body stopped arriving for 300 ms")) {
        assertThat(flood.stream().filter(l -> l.contains(reason)).count()).as("lines for '%s' in %s", reason, flood)
            .isBetween(1L, intervals);
      }
      assertThat(flood).as("the first line of a kind").anyMatch(l -> l.contains("refused 1 request(s) with 414"));
    }
  }

  @Test
  void everyAdminChangeIsAnAuditLineWithWhoWhatAndResult() throws Exception {
    try (TestBackend backend = new TestBackend("b1", "1.0");
        HandoverProcess p = HandoverProcess.start(config("{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},"
            + "\"configService\":{\"port\":0},\"cluster\":{\"servers\":[" + backend.serverJson() + "],\"version\":\"1.0\"}}"))) {
      String admin = "http://127.0.0.1:" + p.adminPort();
      String body = "{\"cluster\":{\"servers\":[" + backend.serverJson() + "],\"version\":\"2.0\"}}";
      HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster"))
          .PUT(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(put.statusCode()).isEqualTo(202);
      String id = put.body();
      assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster/" + id + "/rollback"))
          .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(202);
      assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"cluster\":{\"servers\":[],\"vresion\":1}}"))).statusCode()).isEqualTo(400);
      assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster"))
          .header("Origin", "http://evil.example").PUT(HttpRequest.BodyPublishers.ofString(body))).statusCode()).isEqualTo(403);
      assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster/" + id)).DELETE()).statusCode()).isEqualTo(202);
      assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/status")).GET()).statusCode()).isEqualTo(200);

      String who = "io.handover.audit - /127.0.0.1:\\d+ ";
      List<Pattern> expected = List.of(
          Pattern.compile(who + "PUT /configuration/cluster version 2\\.0 \\(cluster " + id + "\\) -> 202"),
          Pattern.compile(who + "POST /configuration/cluster/" + id + "/rollback -> 202"),
          Pattern.compile(who + "PUT /configuration/cluster -> 400"),
          Pattern.compile(who + "PUT /configuration/cluster -> 403"),
          Pattern.compile(who + "DELETE /configuration/cluster/" + id + " -> 202"));
      await("an audit line for each change").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        List<String> audit = p.lines().stream().filter(l -> l.contains("io.handover.audit")).toList();
        assertThat(audit).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
          assertThat(audit.get(i)).containsPattern(expected.get(i));
        }
      });
    }
  }

  @Test
  void anAdminApiOffLoopbackWithoutATokenIsWarnedAbout() throws Exception {
    String open = "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":0,\"bindAddress\":\"0.0.0.0\"";
    try (HandoverProcess p = HandoverProcess.start(config(open + "}}"))) {
      assertThat(p.lines()).anyMatch(l -> l.contains("WARN") && l.contains("the admin API listens on 0.0.0.0 without a token"));
    }
    try (HandoverProcess p = HandoverProcess.start(config(open + ",\"token\":\"t0ken-n0t-for-logs\"}}"))) {
      assertThat(p.lines()).noneMatch(l -> l.contains("without a token")).noneMatch(l -> l.contains("t0ken-n0t-for-logs"));
    }
    try (HandoverProcess p = HandoverProcess.start(config("{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},"
        + "\"configService\":{\"port\":0}}"))) {
      assertThat(p.lines()).noneMatch(l -> l.contains("without a token"));
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

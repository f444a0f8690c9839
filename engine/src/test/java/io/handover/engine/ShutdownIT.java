package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.handover.engine.support.HandoverProcess;
import io.handover.engine.support.TestBackend;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM as an orchestrator sends it: requests in flight complete, the process exits 0. */
class ShutdownIT {

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Path config(int proxyPort, int adminPort, TestBackend backend, long graceMillis) throws Exception {
    return Files.writeString(dir.resolve("handover.json"), "{\"proxy\":{\"port\":" + proxyPort + ",\"bindAddress\":\"127.0.0.1\"},"
        + "\"configService\":{\"port\":" + adminPort + "},\"shutdownGraceMillis\":" + graceMillis + ","
        + "\"stateFile\":\"state.json\",\"cluster\":{\"servers\":[" + backend.serverJson() + "],\"version\":\"1.0\"}}");
  }

  @Test
  void slowRequestsInFlightCompleteAndTheProcessExitsZero() throws Exception {
    try (TestBackend slow = new TestBackend("slow", "1.0")) {
      slow.behave(exchange -> {
        Thread.sleep(1500);
        exchange.getResponseSender().send("done " + exchange.getRequestPath());
      });
      int proxyPort = freePort();
      try (HandoverProcess p = HandoverProcess.run(config(proxyPort, freePort(), slow, 20_000))) {
        p.awaitLine("proxy listening");
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/slow" + i)).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.requests() == 3);
        long stopAt = System.nanoTime();
        p.terminate();
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = inFlight.get(i).get(20, TimeUnit.SECONDS);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).isEqualTo("done /slow" + i);
          assertThat(r.headers().firstValue("Connection")).hasValue("close");
        }
        assertThat(p.awaitExit(20)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(20));
        assertThat(String.join("\n", p.lines())).contains("every request in flight completed").doesNotContain("Exception");
        // and the listener went first: nothing is accepted any more
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/late")).build(),
            HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void aSecondSignalExitsAtOnce() throws Exception {
    try (TestBackend hangs = new TestBackend("hangs", "1.0")) {
      hangs.behave(exchange -> {
        Thread.sleep(10_000);
        exchange.getResponseSender().send("late");
      });
      int proxyPort = freePort();
      try (HandoverProcess p = HandoverProcess.run(config(proxyPort, freePort(), hangs, 60_000))) {
        p.awaitLine("proxy listening");
        client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/hang")).build(),
            HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> hangs.requests() == 1);
        p.terminate();
        // the first signal drains (and would wait a minute); the second ends it
        Thread.sleep(500);
        assertThat(p.process().isAlive()).isTrue();
        p.terminate();
        assertThat(p.awaitExit(10)).isEqualTo(1);
        assertThat(String.join("\n", p.lines())).contains("SIGTERM again: stopping now");
      }
    }
  }

  @Test
  void theGracePeriodBoundsTheStop() throws Exception {
    try (TestBackend hangs = new TestBackend("hangs", "1.0")) {
      hangs.behave(exchange -> {
        Thread.sleep(10_000);
        exchange.getResponseSender().send("late");
      });
      int proxyPort = freePort();
      try (HandoverProcess p = HandoverProcess.run(config(proxyPort, freePort(), hangs, 1_000))) {
        p.awaitLine("proxy listening");
        client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/hang")).build(),
            HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> hangs.requests() == 1);
        long stopAt = System.nanoTime();
        p.terminate();
        assertThat(p.awaitExit(15)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(8));
        assertThat(String.join("\n", p.lines())).contains("1 requests still in flight and 0 upgraded connections (WebSocket) open after the grace period of 1000 ms");
      }
    }
  }
}

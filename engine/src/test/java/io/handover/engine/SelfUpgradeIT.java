package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.handover.engine.support.HandoverProcess;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading Handover itself under load: a successor started with {@code --takeover} listens on the
 * same ports beside the running process, stops it, and takes its state file over; no client sees
 * an error.
 */
class SelfUpgradeIT {

  @TempDir
  Path dir;

  @Test
  void aSuccessorTakesOverUnderClosedLoopLoadWithoutAClientError() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0"); TestBackend v2 = new TestBackend("v2", "2.0")) {
      int proxyPort = ShutdownIT.freePort();
      int adminPort = ShutdownIT.freePort();
      Path config = Files.writeString(dir.resolve("handover.json"), "{\"proxy\":{\"port\":" + proxyPort + ",\"bindAddress\":\"127.0.0.1\"},"
          + "\"configService\":{\"port\":" + adminPort + "},\"shutdownGraceMillis\":10000,\"stateFile\":\"state.json\","
          + "\"cluster\":{\"servers\":[" + v1.serverJson() + "],\"version\":\"1.0\"}}");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + proxyPort + "/load");
      try (HandoverProcess old = HandoverProcess.run(config)) {
        old.awaitLine("proxy listening");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          loops.add(clients.submit(() -> {
            while (running.get()) {
              try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().startsWith("1.0")) {
                  ok.incrementAndGet();
                } else {
                  synchronized (errors) {
                    errors.add(r.statusCode() + " " + r.body());
                  }
                }
              } catch (Exception e) {
                synchronized (errors) {
                  errors.add(e.toString());
                }
              }
            }
          }));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= 300);
        try (HandoverProcess successor = HandoverProcess.run(config, "--takeover")) {
          successor.awaitLine("proxy listening");
          // the successor stops the old process itself, which drains and exits 0
          assertThat(old.awaitExit(30)).isZero();
          int atExit = ok.get();
          await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= atExit + 300);
          running.set(false);
          for (Future<?> f : loops) {
            f.get();
          }
          clients.shutdown();
          assertThat(errors).isEmpty();
          assertThat(String.join("\n", successor.lines())).contains("sending it SIGTERM");

          // once the old process let the state file go, the successor takes admin changes and saves them
          successor.awaitLine("took over");
          HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/configuration/cluster"))
              .PUT(HttpRequest.BodyPublishers.ofString("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"version\":\"2.0\"}}")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
          assertThat(Files.readString(dir.resolve("state.json"))).contains("\"2.0\"");
          assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()).startsWith("2.0");
        }
      }
    }
  }

  @Test
  void aSecondProcessOnTheSamePortsWithoutTakeoverIsRefused() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0")) {
      int proxyPort = ShutdownIT.freePort();
      Path config = Files.writeString(dir.resolve("handover.json"), "{\"proxy\":{\"port\":" + proxyPort + ",\"bindAddress\":\"127.0.0.1\"},"
          + "\"configService\":{\"port\":" + ShutdownIT.freePort() + "},\"cluster\":{\"servers\":[" + v1.serverJson() + "],\"version\":\"1.0\"}}");
      try (HandoverProcess first = HandoverProcess.run(config)) {
        first.awaitLine("proxy listening");
        try (HandoverProcess second = HandoverProcess.run(config)) {
          assertThat(second.awaitExit(30)).isEqualTo(2);
          assertThat(String.join("\n", second.lines())).contains("127.0.0.1:" + proxyPort).contains("--takeover");
        }
        assertThat(first.process().isAlive()).isTrue();
      }
    }
  }
}

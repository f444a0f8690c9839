package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Fault injection: the new version breaks in the ways a release can, and clients must not notice. */
class FailoverIT {

  private static HandoverConfig config() {
    return HandoverConfig.ephemeral().withProxySettings(ProxySettings.DEFAULT.withFirstByteTimeoutMillis(400));
  }

  @Test
  void stoppingTheNewVersionUnderLoadFailsNoRequest() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2a = new TestBackend("v2a", "2.0");
        TestBackend v2b = new TestBackend("v2b", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", null, v2a, v2b);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      List<String> failures = new ArrayList<>();
      ConcurrentHashMap<String, AtomicInteger> versions = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(clients.submit(() -> {
          for (int i = 0; i < 5_000 && running.get(); i++) {
            try {
              HttpResponse<String> r = proxy.get("/load");
              if (r.statusCode() == 200) {
                ok.incrementAndGet();
                versions.computeIfAbsent(r.body().substring(0, 3), k -> new AtomicInteger()).incrementAndGet();
              } else {
                synchronized (failures) {
                  failures.add(r.statusCode() + " " + r.body());
                }
              }
            } catch (Exception e) {
              synchronized (failures) {
                failures.add(e.toString());
              }
            }
          }
          return null;
        }));
      }
      // load flows to the new version, then its servers stop and the load goes on for a while
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= 100);
      v2a.close();
      v2b.close();
      int atStop = ok.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= atStop + 200);
      running.set(false);
      for (Future<?> f : futures) {
        f.get();
      }
      clients.shutdown();
      assertThat(failures).isEmpty();
      assertThat(ok.get()).isGreaterThan(atStop);
      assertThat(versions).containsKeys("1.0", "2.0");
      // after the stop every answer comes from the old version
      assertThat(proxy.get("/after").body()).startsWith("1.0");
    }
  }

  @Test
  void aHangingNewVersionGivesWayToTheOldOneAfterTheTimeout() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      v2.behave(exchange -> Thread.sleep(5_000));
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", null, v2);
      HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/slow"))
          .timeout(Duration.ofSeconds(4)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("1.0 v1 GET /slow");
    }
  }

  @Test
  void theOnlyVersionHangingEndsInA504AtTheRequestTimeLimit() throws Exception {
    ProxySettings d = ProxySettings.DEFAULT;
    ProxySettings limited = new ProxySettings(600, d.maxRequestBodyBytes(), d.trustForwardedHeaders(), 10_000,
        d.maxBufferedBodyBytes(), d.failoverStatuses());
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(limited))) {
      v1.behave(exchange -> Thread.sleep(5_000));
      proxy.addVersion("1.0", null, v1);
      HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/"))
          .timeout(Duration.ofSeconds(4)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).contains("within 600 ms");
    }
  }

  @Test
  void aBodyThatKeepsComingIsRelayedWhileOneThatStallsIsCutOff() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      // 10 chunks 200 ms apart: slower in all than the 400 ms first-byte timeout, never idle that long
      v1.behave(exchange -> {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        var out = exchange.getOutputStream();
        for (int i = 0; i < 10; i++) {
          out.write(("chunk " + i + "\n").getBytes());
          out.flush();
          Thread.sleep(200);
        }
        out.close();
      });
      proxy.addVersion("1.0", null, v1);
      HttpResponse<String> slow = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/trickle"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(slow.statusCode()).isEqualTo(200);
      assertThat(slow.body().lines()).hasSize(10).endsWith("chunk 9");

      // sends the head and a first chunk, then nothing for 6 s
      v1.behave(exchange -> {
        var out = exchange.getOutputStream();
        out.write("started\n".getBytes());
        out.flush();
        Thread.sleep(6_000);
      });
      assertThatThrownBy(() -> proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/stall"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class)
          .isNotInstanceOf(java.net.http.HttpTimeoutException.class);
    }
  }

  @Test
  void aFailoverStatusFromTheNewVersionIsRetriedOnTheOldOne() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      v2.behave(exchange -> {
        exchange.setStatusCode(503);
        exchange.getResponseSender().send("overloaded");
      });
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", null, v2);
      HttpResponse<String> r = proxy.get("/x");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("1.0");
      assertThat(v2.requests()).isEqualTo(1);
    }
  }

  @Test
  void aDeadServerOfATwoServerVersionIsSkippedAndUsedAgainWhenBack() throws Exception {
    try (TestBackend a = new TestBackend("a", "1.0");
        ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral())) {
      TestBackend b = new TestBackend("b", "1.0");
      int bPort = b.port();
      proxy.addVersion("1.0", null, a, b);
      b.close();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = proxy.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("1.0 a GET /");
      }
      try (TestBackend back = new TestBackend("b-again", "1.0", bPort)) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() -> {
          assertThat(proxy.get("/").statusCode()).isEqualTo(200);
          return back.requests() > 0;
        });
      }
    }
  }

  @Test
  void aPostThatFailedAfterBeingSentIsNotReplayed() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      // reads the request, then drops the connection without an answer
      v2.behave(exchange -> {
        exchange.getInputStream().readAllBytes();
        exchange.getConnection().close();
      });
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", null, v2);
      HttpResponse<String> post = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/orders"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"qty\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(502);
      assertThat(post.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(post.body()).contains("not retried");
      assertThat(v1.requests()).isZero();

      HttpResponse<String> keyed = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/orders"))
          .header("Idempotency-Key", "order-42")
          .POST(HttpRequest.BodyPublishers.ofString("{\"qty\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(keyed.statusCode()).isEqualTo(200);
      assertThat(keyed.body()).isEqualTo("1.0 v1 POST /orders");
    }
  }

  @Test
  void withEveryVersionDownClientsGetAJsonErrorAndServiceResumes() throws Exception {
    try (ProxyFixture proxy = new ProxyFixture(config())) {
      TestBackend v1 = new TestBackend("v1", "1.0");
      TestBackend v2 = new TestBackend("v2", "2.0");
      int port1 = v1.port();
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", null, v2);
      v1.close();
      v2.close();
      HttpResponse<String> down = proxy.get("/");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(down.body()).contains("\"error\"");
      try (TestBackend back = new TestBackend("v1-again", "1.0", port1)) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() -> proxy.get("/").statusCode() == 200);
        assertThat(proxy.get("/").body()).startsWith("1.0 v1-again");
      }
    }
  }

  @Test
  void aServerErrorIsPassedThroughWhenNoOtherVersionCanAnswer() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        ProxyFixture proxy = new ProxyFixture(config())) {
      v1.behave(exchange -> {
        exchange.setStatusCode(503);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send("maintenance");
      });
      proxy.addVersion("1.0", null, v1);
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("maintenance");
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckIT {

  private static final String CHECK =
      "\"healthCheck\":{\"path\":\"/health\",\"intervalMillis\":100,\"healthyThreshold\":2,\"unhealthyThreshold\":2}";

  private final AtomicBoolean bHealthy = new AtomicBoolean(true);
  private final AtomicInteger bServed = new AtomicInteger();
  private final AtomicInteger bChecked = new AtomicInteger();
  private TestBackend a;
  private TestBackend b;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    a = new TestBackend("a", "1.0");
    b = new TestBackend("b", "1.0").behave(server("b", bHealthy, bServed, bChecked));
    proxy = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    proxy.close();
    a.close();
    b.close();
  }

  /** Answers {@code /health} with 200 or 503 as {@code healthy} says, and anything else with its name. */
  private static HttpHandler server(String name, AtomicBoolean healthy, AtomicInteger served, AtomicInteger checked) {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      if (exchange.getRequestPath().equals("/health")) {
        checked.incrementAndGet();
        exchange.setStatusCode(healthy.get() ? 200 : 503);
        exchange.getResponseSender().send(healthy.get() ? "ok" : "down");
      } else {
        served.incrementAndGet();
        exchange.getResponseSender().send("1.0 " + name);
      }
    };
  }

  private JsonNode serverStatus(String id, TestBackend backend) throws Exception {
    for (JsonNode s : proxy.status(id).get("servers")) {
      if (s.get("address").asText().equals("127.0.0.1:" + backend.port())) {
        return s;
      }
    }
    throw new AssertionError("no server " + backend.port());
  }

  @Test
  void aServerFailingItsHealthCheckGetsNoTrafficUntilItPassesAgain() throws Exception {
    String id = proxy.addVersion("1.0", null, CHECK, a, b);
    for (int i = 0; i < 10; i++) {
      assertThat(proxy.get("/").statusCode()).isEqualTo(200);
    }
    assertThat(bServed.get()).isPositive();

    bHealthy.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> !serverStatus(id, b).get("activelyHealthy").asBoolean());
    int served = bServed.get();
    for (int i = 0; i < 20; i++) {
      var r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("1.0 a GET /");
    }
    assertThat(bServed.get()).isEqualTo(served);

    bHealthy.set(true);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      assertThat(proxy.get("/").statusCode()).isEqualTo(200);
      return bServed.get() > served;
    });
    assertThat(serverStatus(id, b).get("activelyHealthy").asBoolean()).isTrue();
  }

  @Test
  void aRemovedVersionIsNoLongerChecked() throws Exception {
    proxy.addVersion("1.0", null, a);
    String id = proxy.addVersion("2.0", null, CHECK, b);
    await().atMost(Duration.ofSeconds(10)).until(() -> bChecked.get() >= 2);

    assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id).statusCode()).isEqualTo(202);
    // the checker follows the registry every 250 ms: once it has, the count stays still
    int[] checked = {-1};
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
      int now = bChecked.get();
      boolean still = now == checked[0];
      checked[0] = now;
      return still;
    });
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> bChecked.get() == checked[0]);
  }
}

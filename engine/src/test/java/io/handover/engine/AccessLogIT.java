package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.config.OperationsSettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log and log levels changed at run time, read from Logback as an operator's files would get them. */
class AccessLogIT {

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Logger access;

  @BeforeEach
  void capture() {
    access = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.handover.access");
    lines.start();
    access.addAppender(lines);
  }

  @AfterEach
  void release() {
    access.detachAppender(lines);
  }

  private List<String> messages() {
    synchronized (lines) {
      return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Test
  void oneJsonLinePerRequestAlsoForAFailedOverOne() throws Exception {
    HandoverConfig config = HandoverConfig.ephemeral().withOperations(OperationsSettings.DEFAULT.withAccessLog(true, true));
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(config)) {
      v2.behave(exchange -> {
        exchange.setStatusCode(exchange.getRequestPath().equals("/fail") ? 503 : 200);
        exchange.getResponseSender().send("2.0");
      });
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
      assertThat(proxy.get("/ok?q=1").statusCode()).isEqualTo(200);
      assertThat(proxy.get("/fail").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> messages().size() == 2);
      ObjectMapper json = new ObjectMapper();
      JsonNode ok = json.readTree(messages().get(0));
      assertThat(ok.path("method").asText()).isEqualTo("GET");
      assertThat(ok.path("path").asText()).isEqualTo("/ok?q=1");
      assertThat(ok.path("status").asInt()).isEqualTo(200);
      assertThat(ok.path("version").asText()).isEqualTo("2.0");
      assertThat(ok.path("server").asText()).isEqualTo("127.0.0.1:" + v2.port());
      assertThat(ok.path("attempts").asInt()).isEqualTo(1);
      assertThat(ok.path("client").asText()).isEqualTo("127.0.0.1");
      assertThat(ok.path("bytes").asLong()).isEqualTo(3);
      assertThat(ok.path("micros").asLong()).isPositive();
      assertThat(ok.path("time").asText()).endsWith("Z");
      JsonNode failedOver = json.readTree(messages().get(1));
      assertThat(failedOver.path("version").asText()).isEqualTo("1.0");
      assertThat(failedOver.path("server").asText()).isEqualTo("127.0.0.1:" + v1.port());
      assertThat(failedOver.path("attempts").asInt()).isEqualTo(2);
      assertThat(failedOver.path("status").asInt()).isEqualTo(200);
    }
  }

  @Test
  void textLinesAndNoneWhenOff() throws Exception {
    HandoverConfig on = HandoverConfig.ephemeral().withOperations(OperationsSettings.DEFAULT.withAccessLog(true, false));
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(on)) {
      proxy.addVersion("1.0", null, v1);
      proxy.get("/a");
      await().atMost(Duration.ofSeconds(5)).until(() -> messages().size() == 1);
      assertThat(messages().get(0)).contains("\"GET /a\" 200 version=1.0 server=127.0.0.1:" + v1.port() + " attempts=1");
    }
    lines.list.clear();
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral())) {
      proxy.addVersion("1.0", null, v1);
      proxy.get("/a");
      assertThat(messages()).isEmpty();
    }
  }

  @Test
  void aBurstOfFailoversIsLoggedOnceWithItsNumbersAndCause() throws Exception {
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    Logger bursts = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.handover.engine.rollout.FailoverBursts");
    bursts.addAppender(warnings);
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral())) {
      v2.behave(exchange -> {
        exchange.setStatusCode(503);
        exchange.endExchange();
      });
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
      for (int i = 0; i < 5; i++) {
        assertThat(proxy.get("/x").statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !warnings.list.isEmpty());
      // more failovers within the interval are not logged again
      proxy.get("/x");
      Thread.sleep(600);
      assertThat(warnings.list).hasSize(1);
      assertThat(warnings.list.get(0).getFormattedMessage())
          .startsWith("version 2.0: ").contains("requests failed over to older versions")
          .contains("127.0.0.1:" + v2.port() + " 5xx answer");
    } finally {
      bursts.detachAppender(warnings);
    }
  }

  @Test
  void aLevelChangedAtRunTimeShowsDebugLinesAfterNotBefore() throws Exception {
    ListAppender<ILoggingEvent> debug = new ListAppender<>();
    debug.start();
    Logger engine = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.handover.engine.proxy");
    engine.addAppender(debug);
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral())) {
      v2.behave(exchange -> {
        exchange.setStatusCode(503);
        exchange.endExchange();
      });
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
      proxy.get("/before");
      assertThat(debug.list).noneMatch(e -> e.getFormattedMessage().contains("/before"));

      HttpResponse<String> set = proxy.client().send(HttpRequest.newBuilder(proxy.admin("/logging/level"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"logger\":\"io.handover.engine.proxy\",\"level\":\"DEBUG\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(set.body()).contains("\"level\":\"DEBUG\"");
      assertThat(proxy.admin("GET", "/logging/level").body()).contains("\"io.handover.engine.proxy\":\"DEBUG\"");
      proxy.get("/after");
      assertThat(debug.list).anyMatch(e -> e.getFormattedMessage().contains("GET /after") && e.getFormattedMessage().contains("5xx answer"));

      HttpResponse<String> bad = proxy.client().send(HttpRequest.newBuilder(proxy.admin("/logging/level"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"logger\":\"x\",\"level\":\"LOUD\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("\"field\":\"level\"");
      HttpResponse<String> unknown = proxy.client().send(HttpRequest.newBuilder(proxy.admin("/logging/level"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"loger\":\"x\",\"level\":\"INFO\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("loger");
    } finally {
      engine.setLevel(null);
      engine.detachAppender(debug);
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.api.VersionState;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large chunked uploads are streamed rather than held, and their failures must count towards a
 * rollback just as those of small requests do.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class LargeUploadRollbackIT {

  private static final String POLICY = "\"rollback\":{\"windowSeconds\":5,\"minRequests\":10,\"maxFailureRate\":0.5}";
  private static final byte[] UPLOAD = Bytes.random(3 * 1024 * 1024);

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
    // as in RollbackIT: ejection would hide most of the failures from the rollback window
    PoolSettings d = PoolSettings.DEFAULT;
    PoolSettings neverEject = new PoolSettings(d.connectionsPerThread(), d.maxQueueSize(), d.problemServerRetrySeconds(),
        d.idleTtlMillis(), 1_000_000, d.baseEjectionMillis(), d.maxEjectionMillis());
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withPool(neverEject));
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private static HttpHandler broken(boolean readsTheBody) {
    return exchange -> {
      if (readsTheBody) {
        exchange.getInputStream().readAllBytes();
      }
      exchange.setStatusCode(500);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("broken");
    };
  }

  private VersionState state(String id) {
    return proxy.handover().registry().snapshot().get(id).info().state();
  }

  private HttpResponse<String> upload() throws Exception {
    return proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/digest"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(UPLOAD))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Uploads until the version is rolled back; returns how many answered 500. */
  private int uploadUntilRolledBack(String id) throws Exception {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger serverErrors = new AtomicInteger();
    try {
      awaitRollback(id, sent, serverErrors);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("still " + state(id) + " after " + sent + " uploads, " + serverErrors
          + " of them answered 500; recent outcomes " + proxy.status(id).get("recent"), e);
    }
    return serverErrors.get();
  }

  private void awaitRollback(String id, AtomicInteger sent, AtomicInteger serverErrors) {
    await("rollback of the version that fails large uploads")
        .atMost(Duration.ofSeconds(8))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> {
          HttpResponse<String> r = upload();
          sent.incrementAndGet();
          if (r.statusCode() == 500) {
            serverErrors.incrementAndGet();
          } else {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(Bytes.sha256(UPLOAD) + " " + UPLOAD.length);
          }
          return state(id) == VersionState.ROLLED_BACK;
        });
  }

  private void assertRolledBackAndServedByTheOldVersion(String id2, int serverErrors) throws Exception {
    JsonNode status = proxy.status(id2);
    assertThat(status.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(status.get("stateReason").asText()).startsWith("failure rate");
    assertThat(status.get("recent").get("failures").asLong()).isGreaterThanOrEqualTo(10);
    assertThat(serverErrors).isGreaterThanOrEqualTo(10);

    int reached = v2.requests();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = upload();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Version")).hasValue("1.0");
      assertThat(r.body()).isEqualTo(Bytes.sha256(UPLOAD) + " " + UPLOAD.length);
    }
    assertThat(v2.requests()).isEqualTo(reached);
  }

  @Test
  void failedLargeChunkedUploadsCountAndRollTheVersionBack() throws Exception {
    v2.behave(broken(true));
    String id2 = proxy.addVersion("2.0", null, POLICY, v2);

    int serverErrors = uploadUntilRolledBack(id2);

    assertRolledBackAndServedByTheOldVersion(id2, serverErrors);
  }

  @Test
  void aBackendThatAnswers500BeforeReadingTheUploadIsRolledBackToo() throws Exception {
    v2.behave(broken(false));
    String id2 = proxy.addVersion("2.0", null, POLICY, v2);

    int serverErrors = uploadUntilRolledBack(id2);

    assertRolledBackAndServedByTheOldVersion(id2, serverErrors);
  }
}

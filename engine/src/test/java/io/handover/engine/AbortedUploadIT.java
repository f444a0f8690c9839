package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawBackend;
import io.handover.engine.support.RawHttpConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that gives up or garbles its upload halfway: the backend must never be handed a request
 * that looks complete, the server must not be blamed for it, and everyone else is still served.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbortedUploadIT {

  /** Bodies larger than this are streamed to the backend as they arrive. */
  private static final int BUFFERED = 64 * 1024;
  /** Enough times to eject a server if each counted as its failure (ejection is after three). */
  private static final int ATTEMPTS = 3;

  private RawBackend backend;
  private ProxyFixture proxy;
  private String id;

  @BeforeEach
  void start() throws Exception {
    backend = new RawBackend(RawBackend.describing());
    ProxySettings d = ProxySettings.DEFAULT;
    ProxySettings small = new ProxySettings(d.maxRequestTimeMillis(), d.maxRequestBodyBytes(), d.trustForwardedHeaders(),
        d.firstByteTimeoutMillis(), BUFFERED, d.failoverStatuses());
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(small));
    id = proxy.addVersionOn("1.0", null, null, backend.serverJson());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Six whole 32 KiB chunks (more than is buffered), then the size line and part of a seventh. */
  private static byte[] chunkedCutShort() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(ascii("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    byte[] chunk = Bytes.random(32 * 1024);
    for (int i = 0; i < 6; i++) {
      b.write(ascii("8000\r\n"));
      b.write(chunk);
      b.write(ascii("\r\n"));
    }
    b.write(ascii("8000\r\n"));
    b.write(chunk, 0, 1000);
    return b.toByteArray();
  }

  /** A 3 MiB Content-Length of which 256 KiB are sent. */
  private static byte[] contentLengthCutShort() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(ascii("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + 3 * 1024 * 1024 + "\r\n\r\n"));
    b.write(Bytes.random(256 * 1024));
    return b.toByteArray();
  }

  /** Sends the bytes and closes the connection without waiting for an answer. */
  private void sendAndHangUp(byte[] bytes) throws IOException {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send(bytes);
    }
  }

  /** Sends the bytes and expects a 400 or the connection closed, within 3 s. */
  private void sendAndExpectRejection(String raw) throws IOException {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.readTimeoutMillis(3_000);
      c.send(raw);
      try {
        RawHttpConnection.Response r = c.read("POST");
        assertThat(r.status()).as("the answer to a malformed chunk").isEqualTo(400);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("neither a 400 nor a closed connection within 3 s", e);
      } catch (IOException closed) {
        // closed without an answer: also a rejection
      }
    }
  }

  private List<RawBackend.Request> uploads() {
    return backend.requests().stream().filter(r -> r.target().equals("/upload")).toList();
  }

  /** Waits until every upload the backend began to read has ended, and checks none was complete. */
  private void assertNoUploadReachedTheBackendWhole() {
    await("every upload the backend began has ended").atMost(Duration.ofSeconds(5))
        .until(() -> backend.requestsInProgress() == 0);
    assertThat(uploads()).as("uploads seen by the backend")
        .allSatisfy(r -> assertThat(r.ending()).isNotEqualTo(RawBackend.Ending.COMPLETE));
  }

  /** Whatever of a rejected upload reached the backend ended with its connection closed, not with garbage. */
  private void assertRejectedUploadsWereCutOff() {
    assertThat(uploads()).as("uploads seen by the backend")
        .allSatisfy(r -> assertThat(r.ending()).isEqualTo(RawBackend.Ending.EOF_MID_BODY));
  }

  /** The server is not blamed: no failure counted, not ejected, and a normal request is served. */
  private void assertTheServerIsNotBlamedAndOthersAreServed() throws Exception {
    try (RawHttpConnection other = new RawHttpConnection(proxy.proxyPort())) {
      other.readTimeoutMillis(3_000);
      RawHttpConnection.Response r = other.get("/ok");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("GET /ok");
    }
    await("no failure counted").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      JsonNode status = proxy.status(id);
      assertThat(status.get("recent").get("failures").asLong()).as("failures in /status").isZero();
      JsonNode server = status.get("servers").get(0);
      assertThat(server.get("ejected").asBoolean()).as("ejected").isFalse();
      assertThat(server.get("consecutiveFailures").asInt()).as("consecutiveFailures").isZero();
    });
    assertThat(proxy.status(id).get("state").asText()).isEqualTo("ACTIVE");
  }

  /** Waits until the backend has seen this many uploads end with their connection closed mid-body. */
  private void awaitUploadsCutShort(int count) {
    try {
      await("the backend sees the upload's connection closed mid-body").atMost(Duration.ofSeconds(5))
          .until(() -> uploads().stream().filter(r -> r.ending() == RawBackend.Ending.EOF_MID_BODY).count() >= count);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("expected the backend to see " + count + " upload(s) end mid-body; endings so far "
          + uploads().stream().map(r -> r.ending() + " after " + r.body().length + " B").toList()
          + ", requests still being read: " + backend.requestsInProgress()
          + ", connections accepted: " + backend.connectionsAccepted(), e);
    }
  }

  @Test
  void aChunkedUploadCutShortReachesTheBackendCutShort() throws Exception {
    for (int i = 1; i <= ATTEMPTS; i++) {
      sendAndHangUp(chunkedCutShort());
      awaitUploadsCutShort(i);
    }
    assertNoUploadReachedTheBackendWhole();
    assertTheServerIsNotBlamedAndOthersAreServed();
  }

  @Test
  void aContentLengthUploadCutShortReachesTheBackendCutShort() throws Exception {
    for (int i = 1; i <= ATTEMPTS; i++) {
      sendAndHangUp(contentLengthCutShort());
      awaitUploadsCutShort(i);
    }
    assertNoUploadReachedTheBackendWhole();
    uploads().forEach(r -> assertThat(r.body().length).isLessThan(3 * 1024 * 1024));
    assertTheServerIsNotBlamedAndOthersAreServed();
  }

  @Test
  void aMalformedChunkIsRejectedAndNeverForwardedAsAWholeRequest() throws Exception {
    for (int i = 0; i < ATTEMPTS; i++) {
      sendAndExpectRejection("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
    }
    assertNoUploadReachedTheBackendWhole();
    assertRejectedUploadsWereCutOff();
    assertThat(uploads()).noneMatch(r -> new String(r.body(), StandardCharsets.ISO_8859_1).equals("hello")
        && r.ending() == RawBackend.Ending.COMPLETE);
    assertTheServerIsNotBlamedAndOthersAreServed();
  }

  @Test
  void anOverflowingChunkSizeIsRejectedAndNeverForwardedAsAWholeRequest() throws Exception {
    for (int i = 0; i < ATTEMPTS; i++) {
      sendAndExpectRejection("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n");
    }
    assertNoUploadReachedTheBackendWhole();
    assertRejectedUploadsWereCutOff();
    assertTheServerIsNotBlamedAndOthersAreServed();
  }
}

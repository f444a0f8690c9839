package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole responses and whole request bodies in every mode, at and around the sizes where the proxy
 * changes how it holds a body: the comparison limit of CONCURRENT ({@code maxBodyBytes}) and the
 * failover buffer of the other modes ({@code maxBufferedBodyBytes}), both set to {@link #LIMIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseIntegrityIT {

  private static final int LIMIT = 64 * 1024;
  private static final int[] RESPONSE_SIZES = {0, 1, LIMIT - 1, LIMIT, LIMIT + 1, 2 * LIMIT, 10 * 1024 * 1024};
  private static final int[] UPLOAD_SIZES = {0, 1, LIMIT - 1, LIMIT, LIMIT + 1, 2 * LIMIT, 3 * 1024 * 1024};
  private static final String CONCURRENT = "{\"mode\":\"CONCURRENT\",\"maxBodyBytes\":" + LIMIT
      + ",\"timeoutMillis\":10000,\"mirrorMethods\":[\"GET\",\"POST\"]}";

  enum Mode {
    INSTANT(null, false),
    SESSION("{\"mode\":\"SESSION\",\"sessionTimeout\":60}", false),
    GRADUAL("{\"mode\":\"GRADUAL\",\"steps\":[{\"percentage\":100,\"seconds\":0}]}", false),
    CONCURRENT_EQUAL(CONCURRENT, false),
    CONCURRENT_DIFFERENT(CONCURRENT, true);

    final String transition;
    /** Whether the new version answers with other bytes than the old one. */
    final boolean newDiffers;

    Mode(String transition, boolean newDiffers) {
      this.transition = transition;
      this.newDiffers = newDiffers;
    }

    boolean mirrored() {
      return this == CONCURRENT_EQUAL || this == CONCURRENT_DIFFERENT;
    }
  }

  /** One proxy with an old and a new version, set up once per mode. */
  private record Setup(ProxyFixture proxy, TestBackend old, TestBackend candidate, String candidateId) {}

  private final Map<Mode, Setup> setups = new EnumMap<>(Mode.class);

  private Setup setup(Mode mode) throws Exception {
    Setup s = setups.get(mode);
    if (s != null) {
      return s;
    }
    ProxySettings d = ProxySettings.DEFAULT;
    ProxySettings small = new ProxySettings(d.maxRequestTimeMillis(), d.maxRequestBodyBytes(), d.trustForwardedHeaders(),
        d.firstByteTimeoutMillis(), LIMIT, d.failoverStatuses());
    ProxyFixture proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(small));
    TestBackend old = new TestBackend("old", "1.0").behave(bodies(false));
    TestBackend candidate = new TestBackend("new", "2.0").behave(bodies(mode.newDiffers));
    proxy.addVersion("1.0", null, old);
    String id = proxy.addVersion("2.0", mode.transition, candidate);
    s = new Setup(proxy, old, candidate, id);
    setups.put(mode, s);
    return s;
  }

  @AfterAll
  void stop() {
    for (Setup s : setups.values()) {
      s.proxy().close();
      s.old().close();
      s.candidate().close();
    }
  }

  /**
   * The bytes a backend sends for {@code /bytes?n=N}: the same for both backends, except that the
   * one that differs flips the first byte.
   */
  private static byte[] body(int n, boolean differs) {
    byte[] b = new byte[n];
    new Random(31L * n + 7).nextBytes(b);
    if (differs && n > 0) {
      b[0] ^= 1;
    }
    return b;
  }

  private static String digest(byte[] data) {
    return Bytes.sha256(data) + " " + data.length;
  }

  /**
   * {@code /bytes?n=N&chunked=B}: N deterministic bytes, with Content-Length or chunked in flushed
   * pieces; {@code /digest}: the SHA-256 and length of the request body (the differing backend adds
   * a word).
   */
  private static HttpHandler bodies(boolean differs) {
    return exchange -> {
      if (exchange.getRequestPath().equals("/digest")) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] buf = new byte[65536];
        try (InputStream in = exchange.getInputStream()) {
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            length += n;
          }
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send(HexFormat.of().formatHex(sha.digest()) + " " + length + (differs ? " new" : ""),
            StandardCharsets.UTF_8);
        return;
      }
      int n = Integer.parseInt(exchange.getQueryParameters().get("n").getFirst());
      boolean chunked = Boolean.parseBoolean(exchange.getQueryParameters().get("chunked").getFirst());
      byte[] data = body(n, differs);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
      if (chunked) {
        exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
        try (OutputStream out = exchange.getOutputStream()) {
          for (int off = 0; off < n; off += 16 * 1024) {
            out.write(data, off, Math.min(16 * 1024, n - off));
            out.flush();
          }
        }
      } else {
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, n);
        try (OutputStream out = exchange.getOutputStream()) {
          out.write(data);
        }
      }
    };
  }

  static Stream<Arguments> downloads() {
    List<Arguments> all = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (int size : RESPONSE_SIZES) {
        all.add(Arguments.of(mode, size, false));
        all.add(Arguments.of(mode, size, true));
      }
    }
    return all.stream();
  }

  static Stream<Arguments> uploads() {
    List<Arguments> all = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (int size : UPLOAD_SIZES) {
        all.add(Arguments.of(mode, size, false));
        all.add(Arguments.of(mode, size, true));
      }
    }
    return all.stream();
  }

  private static JsonNode mirror(Setup s) throws Exception {
    return s.proxy().status(s.candidateId()).get("mirror");
  }

  @ParameterizedTest(name = "{0}: {1} B response, chunked={2}")
  @MethodSource("downloads")
  void theClientGetsExactlyWhatTheServingBackendSent(Mode mode, int size, boolean chunked) throws Exception {
    Setup s = setup(mode);
    JsonNode before = mirror(s);

    HttpResponse<byte[]> r = s.proxy().client().send(
        HttpRequest.newBuilder(s.proxy().proxy("/bytes?n=" + size + "&chunked=" + chunked))
            .timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    String servedBy = r.headers().firstValue("X-Backend").orElseThrow();
    byte[] sent = body(size, servedBy.equals("new") && mode.newDiffers);
    assertThat(r.body().length).as("length of the body served by %s", servedBy).isEqualTo(size);
    assertThat(Bytes.sha256(r.body())).as("SHA-256 of the body served by %s", servedBy).isEqualTo(Bytes.sha256(sent));
    if (!chunked) {
      r.headers().firstValue("Content-Length").ifPresent(cl -> assertThat(cl).isEqualTo(String.valueOf(size)));
    }
    if (mode == Mode.INSTANT) {
      assertThat(servedBy).isEqualTo("new");
    }
    if (!mode.mirrored()) {
      return;
    }

    boolean compared = size <= LIMIT;
    boolean equal = !mode.newDiffers || size == 0;
    assertThat(servedBy).as("who answers").isEqualTo(compared && equal ? "new" : "old");
    long matches = before.get("matches").asLong();
    long mismatches = before.get("mismatches").asLong();
    long skipped = before.get("skipped").asLong();
    String expected = !compared ? counts(matches, mismatches, skipped + 1)
        : equal ? counts(matches + 1, mismatches, skipped)
        : counts(matches, mismatches + 1, skipped);
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      JsonNode after = mirror(s);
      assertThat(counts(after.get("matches").asLong(), after.get("mismatches").asLong(), after.get("skipped").asLong()))
          .as(compared ? "a compared answer is a match or a mismatch" : "an answer over maxBodyBytes is skipped, never matched")
          .isEqualTo(expected);
    });
  }

  private static String counts(long matches, long mismatches, long skipped) {
    return "matches=" + matches + " mismatches=" + mismatches + " skipped=" + skipped;
  }

  @ParameterizedTest(name = "{0}: {1} B upload, chunked={2}")
  @MethodSource("uploads")
  void theBackendGetsExactlyWhatTheClientSent(Mode mode, int size, boolean chunked) throws Exception {
    Setup s = setup(mode);
    byte[] data = Bytes.random(size);
    HttpRequest.BodyPublisher body = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))
        : HttpRequest.BodyPublishers.ofByteArray(data);

    HttpResponse<String> r = s.proxy().client().send(
        HttpRequest.newBuilder(s.proxy().proxy("/digest")).timeout(Duration.ofSeconds(20)).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    String servedBy = r.headers().firstValue("X-Backend").orElseThrow();
    assertThat(r.body()).as("digest from %s", servedBy)
        .isEqualTo(digest(data) + (servedBy.equals("new") && mode.newDiffers ? " new" : ""));
    if (mode == Mode.INSTANT) {
      assertThat(servedBy).isEqualTo("new");
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests built to confuse the proxy or a backend behind it, sent byte for byte: each gets its
 * client-error answer (or, for a body that breaks its framing, a close), the connection is closed,
 * nothing reaches the backend, and a normal request on another connection is still served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRequestIT {

  private static final int MAX_BODY = 100_000;
  /** The answer is the connection closing without a response. */
  private static final int CLOSED = -1;
  private static final String H = "Host: x\r\n";

  private static TestBackend backend;
  private static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = new TestBackend("b1", "1.0");
    proxy = new ProxyFixture(HandoverConfig.ephemeral()
        .withProxySettings(ProxySettings.DEFAULT.withMaxRequestBodyBytes(MAX_BODY)));
    proxy.addVersion("1.0", null, backend);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  static Stream<Arguments> hostile() {
    String cookies = ("Cookie: " + "a=b; ".repeat(500) + "c=d\r\n").repeat(10);
    // the size line that passes the limit is the last thing sent, so that nothing is left unread when
    // the proxy answers and closes (unread bytes would turn the close into a reset)
    String chunks = ("1000\r\n" + "a".repeat(4096) + "\r\n").repeat(20) + "8000\r\n";
    return Stream.of(
        Arguments.of("request target over 8 KiB", 414, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + H + "\r\n"),
        Arguments.of("request target with a long query", 414, "GET /a?q=" + "1".repeat(9000) + " HTTP/1.1\r\n" + H + "\r\n"),
        Arguments.of("request head over Undertow's limit", 400, "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\n" + H + "\r\n"),
        Arguments.of("one header line over 8 KiB", 431, "GET / HTTP/1.1\r\n" + H + "X-A: " + "a".repeat(9000) + "\r\n\r\n"),
        Arguments.of("150 header lines", 431, "GET / HTTP/1.1\r\n" + H + manyHeaders(150) + "\r\n"),
        Arguments.of("300 header lines", 400, "GET / HTTP/1.1\r\n" + H + manyHeaders(300) + "\r\n"),
        Arguments.of("150 lines of one header", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n".repeat(150) + "\r\n"),
        Arguments.of("headers over 32 KiB together", 431, "GET / HTTP/1.1\r\n" + H + ("X-A: " + "a".repeat(7000) + "\r\n").repeat(6) + "\r\n"),
        Arguments.of("5,000 cookie pairs", 431, "GET / HTTP/1.1\r\n" + H + cookies + "\r\n"),
        Arguments.of("Content-Length and Transfer-Encoding", 400,
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("two different Content-Length", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        Arguments.of("two equal Content-Length", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
        Arguments.of("Content-Length beyond 2^63", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999999\r\n\r\nhello"),
        Arguments.of("Content-Length 2^63", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 9223372036854775808\r\n\r\nhello"),
        Arguments.of("negative Content-Length", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\nhello"),
        Arguments.of("Content-Length with a sign", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
        Arguments.of("Content-Length over maxRequestBodyBytes", 413, "POST / HTTP/1.1\r\n" + H + "Content-Length: 200000\r\n\r\n"),
        Arguments.of("chunked body over maxRequestBodyBytes", 413, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n" + chunks),
        Arguments.of("a whole chunked body over maxRequestBodyBytes in one piece", 413, "POST / HTTP/1.1\r\n" + H
            + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(MAX_BODY + 1) + "\r\n" + "a".repeat(MAX_BODY + 1) + "\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding xchunked", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding chunked, identity", 400,
            "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding chunked, chunked", 400,
            "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding gzip, chunked", 501,
            "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("two Transfer-Encoding headers", 400,
            "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding in HTTP/1.0", 400, "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("chunk size 5g", CLOSED, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5g\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("bare LF in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\nb\r\n\r\n"),
        Arguments.of("bare CR in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n"),
        Arguments.of("NUL in a header value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n"),
        Arguments.of("space before the colon", 400, "GET / HTTP/1.1\r\n" + H + "X-A : a\r\n\r\n"),
        Arguments.of("CONNECT", 405, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
        Arguments.of("unescaped byte in the target", 400, "GET /a\u00e9b HTTP/1.1\r\n" + H + "\r\n"),
        Arguments.of("no Host", 400, "GET / HTTP/1.1\r\n\r\n"),
        Arguments.of("two Host headers", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        Arguments.of("control bytes for a method", 400, "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void isRefusedAndNeverForwarded(String name, int expected, String request) throws Exception {
    int before = backend.requests();
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.readTimeoutMillis(10_000);
      c.send(request);
      if (expected == CLOSED) {
        assertThat(c.isClosedByPeer()).as("closed without an answer").isTrue();
      } else {
        RawHttpConnection.Response r = c.read(request.startsWith("CONNECT") ? "CONNECT" : "GET");
        assertThat(r.status()).as(name).isEqualTo(expected);
        assertThat(c.isClosedByPeer()).as("closed after the answer").isTrue();
      }
    }
    assertThat(backend.requests()).as("requests that reached the backend").isEqualTo(before);
    assertThat(normalRequest()).isEqualTo(200);
  }

  /** obs-fold is replaced by one space before forwarding, as RFC 9112 section 5.2 allows: one line reaches the backend. */
  @org.junit.jupiter.api.Test
  void foldedHeaderReachesTheBackendAsOneLine() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("GET /headers HTTP/1.1\r\n" + H + "X-Folded: a\r\n b\r\n\r\n");
      RawHttpConnection.Response r = c.read("GET");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).contains("x-folded: a b\n").doesNotContain("\r");
    }
  }

  private static String manyHeaders(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("X-H").append(i).append(": a\r\n");
    }
    return sb.toString();
  }

  private static int normalRequest() throws IOException, InterruptedException {
    return proxy.get("/ok").statusCode();
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawBackend;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP/1.x features that a proxy must pass through or honour, checked on the wire. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpFeaturesIT {

  private TestBackend backend;
  private ProxyFixture proxy;
  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    backend = new TestBackend("b1", "1.0");
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, backend);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
    proxy.close();
    backend.close();
  }

  /** A connection to the proxy whose reads give up after 3 s rather than the default 20. */
  private RawHttpConnection connect() throws Exception {
    RawHttpConnection c = new RawHttpConnection(proxy.proxyPort());
    c.readTimeoutMillis(3_000);
    return c;
  }

  /** A proxy of its own in front of a raw backend. */
  private ProxyFixture proxyFor(RawBackend raw) throws Exception {
    closeLater.add(raw);
    ProxyFixture p = new ProxyFixture();
    closeLater.add(p);
    p.addVersionOn("1.0", null, null, raw.serverJson());
    return p;
  }

  private static RawHttpConnection connect(ProxyFixture p) throws Exception {
    RawHttpConnection c = new RawHttpConnection(p.proxyPort());
    c.readTimeoutMillis(3_000);
    return c;
  }

  /** Whether the proxy closes the connection within the read timeout. */
  private static boolean closesSoon(RawHttpConnection c) throws java.io.IOException {
    try {
      return c.isClosedByPeer();
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private static void write(OutputStream out, String text) throws java.io.IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  void expectContinueGetsA100PromptlyAndThenTheAnswer() throws Exception {
    byte[] body = Bytes.random(10_000);
    try (RawHttpConnection c = connect()) {
      c.send("POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n");
      // a behaviour bound, generous on purpose: a proxy that waits for the body never sends it
      c.readTimeoutMillis(500);
      RawHttpConnection.Response interim;
      try {
        interim = c.read("POST");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no 100 Continue within 500 ms of the request head", e);
      }
      assertThat(interim.status()).isEqualTo(100);

      c.readTimeoutMillis(3_000);
      c.send(body);
      RawHttpConnection.Response r = c.read("POST");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(Bytes.sha256(body) + " " + body.length);
    }
  }

  @Test
  void trailersOfAChunkedRequestReachTheBackend() throws Exception {
    RawBackend raw = new RawBackend(RawBackend.describing());
    ProxyFixture p = proxyFor(raw);
    try (RawHttpConnection c = connect(p)) {
      c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc123\r\n\r\n");
      RawHttpConnection.Response r = c.read("POST");
      assertThat(r.status()).isEqualTo(200);
    }
    RawBackend.Request seen = raw.requests().get(0);
    assertThat(seen.ending()).isEqualTo(RawBackend.Ending.COMPLETE);
    assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(seen.trailer("X-Checksum")).as("trailers seen by the backend: %s", seen.trailers()).isEqualTo("abc123");
  }

  @Test
  void trailersOfAChunkedResponseReachTheClient() throws Exception {
    RawBackend raw = new RawBackend((request, out) -> write(out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc123\r\n\r\n"));
    ProxyFixture p = proxyFor(raw);
    try (RawHttpConnection c = connect(p)) {
      RawHttpConnection.Response r = c.get("/with-trailers", "TE: trailers");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("hello world");
      assertThat(r.header("Transfer-Encoding")).as("a chunked response, so that trailers can follow").contains("chunked");
      assertThat(c.lastTrailers()).containsEntry("x-checksum", List.of("abc123"));
    }
  }

  @ParameterizedTest(name = "{0} before the final answer")
  @ValueSource(ints = {102, 103})
  void anInformationalAnswerDoesNotLoseTheFinalOne(int interim) throws Exception {
    String body = "the final answer";
    RawBackend raw = new RawBackend((request, out) -> {
      write(out, "HTTP/1.1 " + interim + (interim == 102 ? " Processing" : " Early Hints")
          + "\r\nLink: </style.css>; rel=preload\r\n\r\n");
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    });
    ProxyFixture p = proxyFor(raw);
    try (RawHttpConnection c = connect(p)) {
      c.send("GET /hints HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpConnection.Response r = c.read("GET");
      try {
        for (int i = 0; i < 3 && r.status() / 100 == 1; i++) {
          r = c.read("GET");
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the " + interim + " reached the client, the final answer did not", e);
      }
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(body);
      // and the connection is still in step
      c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpConnection.Response next = c.read("GET");
      while (next.status() / 100 == 1) {
        next = c.read("GET");
      }
      assertThat(next.text()).isEqualTo(body);
    }
  }

  @Test
  void headKeepsTheContentLengthOfGetAndSendsNoBody() throws Exception {
    try (RawHttpConnection c = connect()) {
      RawHttpConnection.Response get = c.get("/download?bytes=1234");
      assertThat(get.header("Content-Length")).isEqualTo("1234");
      assertThat(get.body()).hasSize(1234);

      c.send("HEAD /download?bytes=1234 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpConnection.Response head = c.read("HEAD");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo("1234");
      // no body bytes followed: the next response on the socket is read from its first byte
      assertThat(c.get("/after-head").text()).isEqualTo("1.0 b1 GET /after-head");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/no-content", "/not-modified", "/not-modified-with-length"})
  void answersWithoutABodyKeepTheConnectionUsable(String path) throws Exception {
    RawBackend raw = new RawBackend((request, out) -> {
      switch (request.target()) {
        case "/no-content" -> write(out, "HTTP/1.1 204 No Content\r\nX-Seen: yes\r\n\r\n");
        case "/not-modified" -> write(out, "HTTP/1.1 304 Not Modified\r\nX-Seen: yes\r\nETag: \"v1\"\r\n\r\n");
        // a 304 may carry the Content-Length of the representation it stands for, but never a body
        case "/not-modified-with-length" ->
            write(out, "HTTP/1.1 304 Not Modified\r\nX-Seen: yes\r\nETag: \"v1\"\r\nContent-Length: 1234\r\n\r\n");
        default -> RawBackend.describing().respond(request, out);
      }
    });
    ProxyFixture p = proxyFor(raw);
    try (RawHttpConnection c = connect(p)) {
      RawHttpConnection.Response r;
      try {
        r = c.get(path, "If-None-Match: \"v1\"");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer to " + path + " within 3 s", e);
      }
      assertThat(r.status()).isEqualTo(path.equals("/no-content") ? 204 : 304);
      assertThat(r.header("X-Seen")).isEqualTo("yes");
      RawHttpConnection.Response next;
      try {
        next = c.get("/next");
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer to the request after the " + r.status() + " on the same connection", e);
      }
      assertThat(next.text()).isEqualTo("GET /next");
    }
  }

  @Test
  void anHttp10ClientWithoutKeepAliveGetsAWholeBodyAndAClosedConnection() throws Exception {
    byte[] streamed = Bytes.random(100_000);
    backend.behave(exchange -> {
      if (exchange.getRequestPath().equals("/stream")) {
        // chunked from the backend: the proxy must not send chunks to an HTTP/1.0 client
        exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
        try (OutputStream out = exchange.getOutputStream()) {
          for (int off = 0; off < streamed.length; off += 10_000) {
            out.write(streamed, off, 10_000);
            out.flush();
          }
        }
        return;
      }
      int bytes = Integer.parseInt(exchange.getQueryParameters().get("bytes").getFirst());
      exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes);
      exchange.getOutputStream().write(Bytes.random(bytes));
    });
    for (String path : List.of("/download?bytes=100000", "/stream")) {
      try (RawHttpConnection c = connect()) {
        c.send("GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n");
        RawHttpConnection.Response r = c.read("GET");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Transfer-Encoding")).as("%s: no chunked framing for HTTP/1.0", path).isNull();
        assertThat(r.body()).as(path).hasSize(100_000);
        assertThat(Bytes.sha256(r.body())).as(path).isEqualTo(Bytes.sha256(Bytes.random(100_000)));
        assertThat(closesSoon(c)).as("%s: closed after the response", path).isTrue();
      }
    }
  }

  @Test
  void anHttp10ClientWithKeepAliveGetsTwoAnswersOnOneConnection() throws Exception {
    try (RawHttpConnection c = connect()) {
      c.send("GET /first HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
      RawHttpConnection.Response first = c.read("GET");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("1.0 b1 GET /first");
      assertThat(first.header("Content-Length")).as("a kept-alive HTTP/1.0 answer needs a length").isNotNull();

      c.send("GET /second HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
      RawHttpConnection.Response second = c.read("GET");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.text()).isEqualTo("1.0 b1 GET /second");
    }
  }

  @Test
  void connectionCloseWithAnotherTokenClosesAndDropsTheNamedHeader() throws Exception {
    try (RawHttpConnection c = connect()) {
      RawHttpConnection.Response r = c.get("/headers", "Connection: close, X-Foo", "X-Foo: secret", "X-Kept: yes");
      assertThat(r.status()).isEqualTo(200);
      List<String> lines = r.text().lines().toList();
      assertThat(lines).contains("x-kept: yes");
      assertThat(lines).noneMatch(l -> l.startsWith("x-foo:"));
      assertThat(closesSoon(c)).as("closed after the response").isTrue();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    backend.behave(exchange -> {
      if (exchange.getRequestPath().equals("/one")) {
        Thread.sleep(300); // the first answer is the slowest, so order is not by luck
      }
      exchange.getResponseSender().send("answer to " + exchange.getRequestPath());
    });
    try (RawHttpConnection c = connect()) {
      c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /two HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
      List<String> answers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RawHttpConnection.Response r = c.read("GET");
        assertThat(r.status()).isEqualTo(200);
        answers.add(r.text());
      }
      assertThat(answers).containsExactly("answer to /one", "answer to /two", "answer to /three");
    }
  }

  /** Holds {@code /one} at the backend until the returned latch is released. */
  private CountDownLatch holdFirst() {
    CountDownLatch release = new CountDownLatch(1);
    backend.behave(exchange -> {
      if (exchange.getRequestPath().equals("/one") && !release.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      exchange.getResponseSender().send("answer to " + exchange.getRequestPath());
    });
    return release;
  }

  @Test
  void aRequestSentWhileTheFirstIsAtTheBackendIsAnsweredAfterIt() throws Exception {
    // the client's bytes arrive while the proxy does not read from it (reads suspended lazily)
    CountDownLatch release = holdFirst();
    try (RawHttpConnection c = connect()) {
      c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(5, TimeUnit.SECONDS).until(() -> backend.requests() == 1);
      c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
      release.countDown();
      assertThat(c.read("GET").text()).isEqualTo("answer to /one");
      assertThat(c.read("GET").text()).isEqualTo("answer to /two");
      assertThat(backend.requests()).isEqualTo(2);
    }
  }

  @Test
  void aClientThatStopsSendingAfterItsRequestGetsTheAnswerAndThenTheClose() throws Exception {
    CountDownLatch release = holdFirst();
    try (RawHttpConnection c = connect()) {
      c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(5, TimeUnit.SECONDS).until(() -> backend.requests() == 1);
      c.shutdownOutput();
      release.countDown();
      assertThat(c.read("GET").text()).isEqualTo("answer to /one");
      assertThat(closesSoon(c)).as("closed once the answer is sent").isTrue();
    }
  }
}

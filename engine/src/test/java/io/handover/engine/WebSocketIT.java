package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.config.HandoverConfig;
import io.handover.engine.config.OperationsSettings;
import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WebSocket upgrades pass through the proxy; other upgrades are refused. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WebSocketIT {

  /**
   * An Undertow backend with a WebSocket echo on {@code /ws} (text comes back as
   * {@code <name>: <text>}, binary unchanged), a {@code /refuse} path that answers an upgrade with
   * 403, {@code /headers} listing the request headers, and HTTP/2 over cleartext enabled, so that it
   * would switch to h2c if an {@code Upgrade: h2c} reached it.
   */
  static final class SocketBackend implements AutoCloseable {
    final String name;
    private final Undertow server;

    SocketBackend(String name) {
      this.name = name;
      this.server = Undertow.builder()
          .addHttpListener(0, "127.0.0.1")
          .setIoThreads(1)
          .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
          .setHandler(Handlers.path(SocketBackend::describe)
              .addExactPath("/ws", Handlers.websocket((exchange, channel) -> {
                channel.getReceiveSetter().set(new AbstractReceiveListener() {
                  @Override
                  protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                    WebSockets.sendText(name + ": " + message.getData(), ch, null);
                  }

                  @Override
                  protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                    var data = message.getData();
                    try {
                      WebSockets.sendBinary(WebSockets.mergeBuffers(data.getResource()), ch, null);
                    } finally {
                      data.free();
                    }
                  }
                });
                channel.resumeReceives();
              }))
              .addExactPath("/refuse", exchange -> {
                exchange.setStatusCode(403);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                exchange.getResponseSender().send("no sockets here");
              })
              .addExactPath("/headers", exchange -> {
                StringBuilder sb = new StringBuilder();
                for (HeaderValues values : exchange.getRequestHeaders()) {
                  for (String v : values) {
                    sb.append(values.getHeaderName().toString().toLowerCase()).append(": ").append(v).append('\n');
                  }
                }
                exchange.getResponseSender().send(sb.toString());
              }))
          .build();
      server.start();
    }

    private static void describe(HttpServerExchange exchange) {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseHeaders().put(new HttpString("X-Protocol"), exchange.getProtocol().toString());
      exchange.getResponseSender().send(exchange.getRequestMethod() + " " + exchange.getRequestPath());
    }

    int port() {
      return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    String serverJson() {
      return "{\"hostname\":\"127.0.0.1\",\"port\":" + port() + "}";
    }

    @Override
    public void close() {
      server.stop();
    }
  }

  /** Collects whole messages: text as String, binary as byte[]. */
  static class Collector implements WebSocket.Listener {
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      errors.add(error);
      closed.completeExceptionally(error);
    }

    Object next() throws InterruptedException {
      Object m = messages.poll(5, TimeUnit.SECONDS);
      assertThat(m).as("a message within 5 s").isNotNull();
      return m;
    }
  }

  private SocketBackend v1;
  private SocketBackend v2;
  private ProxyFixture proxy;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<WebSocket> sockets = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    v1 = new SocketBackend("v1");
    v2 = new SocketBackend("v2");
    proxy = new ProxyFixture();
    proxy.addVersionOn("1.0", null, null, v1.serverJson());
  }

  @AfterEach
  void stop() {
    sockets.forEach(WebSocket::abort);
    proxy.close();
    v1.close();
    v2.close();
  }

  private WebSocket open(Collector collector) throws Exception {
    WebSocket ws;
    try {
      ws = client.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + proxy.proxyPort() + "/ws"), collector)
          .get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        throw new AssertionError("handshake answered " + h.getResponse().statusCode() + " " + h.getResponse().body(), e);
      }
      throw e;
    }
    sockets.add(ws);
    return ws;
  }

  @Test
  void textAndBinaryMessagesAreEchoedThroughTheProxy() throws Exception {
    Collector c = new Collector();
    WebSocket ws = open(c);

    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertThat(c.next()).isEqualTo("v1: hello");

    byte[] small = Bytes.random(100);
    ws.sendBinary(ByteBuffer.wrap(small), true).get(5, TimeUnit.SECONDS);
    assertThat((byte[]) c.next()).isEqualTo(small);

    byte[] large = Bytes.random(1024 * 1024);
    ws.sendBinary(ByteBuffer.wrap(large), true).get(5, TimeUnit.SECONDS);
    byte[] echoed = (byte[]) c.next();
    assertThat(echoed).hasSize(large.length);
    assertThat(Bytes.sha256(echoed)).isEqualTo(Bytes.sha256(large));
  }

  @Test
  void aStopSendsACloseFrameBetweenFramesNeverInsideALargeOne() throws Exception {
    HandoverConfig config = HandoverConfig.ephemeral().withOperations(OperationsSettings.DEFAULT.withShutdownGraceMillis(5_000));
    try (ProxyFixture stopping = new ProxyFixture(config)) {
      stopping.addVersionOn("1.0", null, null, v1.serverJson());
      Collector c = new Collector();
      WebSocket ws = client.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + stopping.proxyPort() + "/ws"), c).get(5, TimeUnit.SECONDS);
      sockets.add(ws);
      ws.sendText("before", true).get(5, TimeUnit.SECONDS);
      assertThat(c.next()).isEqualTo("v1: before");
      // a large echo is on its way back while the stop begins: the close frame must not cut into it
      byte[] large = Bytes.random(4 * 1024 * 1024);
      ws.sendBinary(ByteBuffer.wrap(large), true).get(5, TimeUnit.SECONDS);
      CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> stopping.handover().shutdown());
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      assertThat(c.errors).isEmpty();
      Object echoed = c.messages.poll();
      if (echoed != null) {
        assertThat(Bytes.sha256((byte[]) echoed)).isEqualTo(Bytes.sha256(large));
      }
      stopped.get(15, TimeUnit.SECONDS);
    }
  }

  @Test
  void theCloseHandshakeEndsTheStopBeforeItsGracePeriod() throws Exception {
    HandoverConfig config = HandoverConfig.ephemeral().withOperations(OperationsSettings.DEFAULT.withShutdownGraceMillis(20_000));
    try (ProxyFixture stopping = new ProxyFixture(config)) {
      stopping.addVersionOn("1.0", null, null, v1.serverJson());
      Collector c = new Collector();
      WebSocket ws = client.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + stopping.proxyPort() + "/ws"), c).get(5, TimeUnit.SECONDS);
      sockets.add(ws);
      ws.sendText("before", true).get(5, TimeUnit.SECONDS);
      assertThat(c.next()).isEqualTo("v1: before");
      long start = System.nanoTime();
      CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> stopping.handover().shutdown());
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      assertThat(stopped.get(15, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aSocketThatNeverAnswersTheCloseFrameIsClosedAtTheEndOfTheGracePeriod() throws Exception {
    HandoverConfig config = HandoverConfig.ephemeral().withOperations(OperationsSettings.DEFAULT.withShutdownGraceMillis(1500));
    try (ProxyFixture stopping = new ProxyFixture(config)) {
      stopping.addVersionOn("1.0", null, null, v1.serverJson());
      Collector c = new Collector() {
        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
          closed.complete(statusCode);
          // never completes: the client does not answer the close
          return new CompletableFuture<>();
        }
      };
      WebSocket ws = client.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + stopping.proxyPort() + "/ws"), c).get(5, TimeUnit.SECONDS);
      sockets.add(ws);
      ws.sendText("before", true).get(5, TimeUnit.SECONDS);
      assertThat(c.next()).isEqualTo("v1: before");
      CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> stopping.handover().shutdown());
      assertThat(c.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      Thread.sleep(300);
      assertThat(stopped).isNotDone();
      assertThat(stopped.get(10, TimeUnit.SECONDS)).isFalse();
    }
  }

  @Test
  void anOpenSocketStaysWithItsVersionWhileNewSocketsReachTheNewOne() throws Exception {
    Collector before = new Collector();
    WebSocket old = open(before);
    old.sendText("first", true).get(5, TimeUnit.SECONDS);
    assertThat(before.next()).isEqualTo("v1: first");

    proxy.addVersionOn("2.0", null, null, v2.serverJson());

    old.sendText("still here", true).get(5, TimeUnit.SECONDS);
    assertThat(before.next()).isEqualTo("v1: still here");

    Collector after = new Collector();
    WebSocket fresh = open(after);
    fresh.sendText("hi", true).get(5, TimeUnit.SECONDS);
    assertThat(after.next()).isEqualTo("v2: hi");

    old.sendText("and again", true).get(5, TimeUnit.SECONDS);
    assertThat(before.next()).isEqualTo("v1: and again");
  }

  @Test
  void aRefusedUpgradeReachesTheClientAsTheBackendAnsweredIt() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("GET /refuse HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
      RawHttpConnection.Response r = c.read("GET");
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.text()).isEqualTo("no sockets here");
    }
  }

  @Test
  void anH2cUpgradeIsRefusedAndTheRequestServedAsHttp11() throws Exception {
    String h2c = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n";
    // the backend itself would switch, so a 200 through the proxy means the proxy refused it
    try (RawHttpConnection direct = new RawHttpConnection(v1.port())) {
      direct.send("GET /plain HTTP/1.1\r\nHost: x\r\n" + h2c + "\r\n");
      assertThat(direct.read("GET").status()).isEqualTo(101);
    }
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("GET /plain HTTP/1.1\r\nHost: x\r\n" + h2c + "\r\n");
      RawHttpConnection.Response r = c.read("GET");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("GET /plain");
      assertThat(r.header("Upgrade")).isNull();

      c.send("GET /headers HTTP/1.1\r\nHost: x\r\n" + h2c + "\r\n");
      RawHttpConnection.Response headers = c.read("GET");
      assertThat(headers.status()).isEqualTo(200);
      assertThat(headers.text().lines().toList()).noneMatch(l -> l.startsWith("upgrade:") || l.startsWith("http2-settings:"));
    }
  }
}

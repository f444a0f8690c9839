package io.handover.engine.support;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Undertow backend on a free loopback port that says who it is. Every answer carries
 * {@code X-Backend: <name>} and {@code X-Version: <version>}; the body is text describing the request
 * unless the path asks for something else:
 *
 * <ul>
 *   <li>{@code /echo}: the request body back, chunked;
 *   <li>{@code /digest}: the SHA-256 of the request body and its length;
 *   <li>{@code /download?bytes=N}: N pseudo-random bytes (seeded), with Content-Length;
 *   <li>{@code /status?code=N}: answers that status;
 *   <li>{@code /headers}: the request headers, one {@code name: value} line each.
 * </ul>
 */
public final class TestBackend implements AutoCloseable {

  private final String name;
  private final String version;
  private final Undertow server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile HttpHandler override;

  public TestBackend(String name, String version) {
    this(name, version, 0);
  }

  /** A backend on a given port, e.g. to bring a stopped one back where it was. */
  public TestBackend(String name, String version, int port) {
    this.name = name;
    this.version = version;
    this.server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(8)
        .setServerOption(io.undertow.UndertowOptions.MAX_ENTITY_SIZE, -1L)
        .setHandler(new io.undertow.server.handlers.BlockingHandler(exchange -> {
          requests.incrementAndGet();
          exchange.getResponseHeaders().put(new HttpString("X-Backend"), name);
          exchange.getResponseHeaders().put(new HttpString("X-Version"), version);
          HttpHandler o = override;
          if (o != null) {
            o.handleRequest(exchange);
            return;
          }
          handle(exchange);
        }))
        .build();
    server.start();
  }

  private void handle(io.undertow.server.HttpServerExchange exchange) throws Exception {
    String path = exchange.getRequestPath();
    switch (path) {
      case "/echo" -> {
        byte[] body = exchange.getInputStream().readAllBytes();
        exchange.getResponseHeaders().put(Headers.TRANSFER_ENCODING, "chunked");
        try (OutputStream out = exchange.getOutputStream()) {
          out.write(body);
        }
      }
      case "/digest" -> {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] buf = new byte[65536];
        try (InputStream in = exchange.getInputStream()) {
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            length += n;
          }
        }
        send(exchange, HexFormat.of().formatHex(sha.digest()) + " " + length);
      }
      case "/download" -> {
        int bytes = Integer.parseInt(exchange.getQueryParameters().get("bytes").getFirst());
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes);
        try (OutputStream out = exchange.getOutputStream()) {
          out.write(Bytes.random(bytes));
        }
      }
      case "/status" -> {
        exchange.setStatusCode(Integer.parseInt(exchange.getQueryParameters().get("code").getFirst()));
        send(exchange, "status " + exchange.getStatusCode() + " from " + name);
      }
      case "/headers" -> {
        StringBuilder sb = new StringBuilder();
        for (HeaderValues values : exchange.getRequestHeaders()) {
          for (String v : values) {
            sb.append(values.getHeaderName().toString().toLowerCase()).append(": ").append(v).append('\n');
          }
        }
        send(exchange, sb.toString());
      }
      default -> {
        exchange.getInputStream().readAllBytes();
        String query = exchange.getQueryString();
        send(exchange, version + " " + name + " " + exchange.getRequestMethod() + " " + path
            + (query.isEmpty() ? "" : "?" + query));
      }
    }
  }

  private static void send(io.undertow.server.HttpServerExchange exchange, String text) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(text, StandardCharsets.UTF_8);
  }

  /** Replaces the default behaviour (the identity headers are still set). Null restores it. */
  public TestBackend behave(HttpHandler handler) {
    this.override = handler;
    return this;
  }

  public int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /** How many requests reached this backend. */
  public int requests() {
    return requests.get();
  }

  /** {@code {"hostname":"127.0.0.1","port":N}}. */
  public String serverJson() {
    return "{\"hostname\":\"127.0.0.1\",\"port\":" + port() + "}";
  }

  @Override
  public void close() {
    server.stop();
  }
}

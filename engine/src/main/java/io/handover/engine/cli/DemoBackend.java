package io.handover.engine.cli;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * A demo backend on 127.0.0.1. {@code /api/items/N} answers the same for every version (so that
 * CONCURRENT finds the answers matching) but for a random {@code requestId} (noise, which
 * CONCURRENT learns from two servers of 1.0), {@code X-Demo-Version} and {@code /} say which
 * version answered; once {@link #fail} is set it answers {@code 503} to everything.
 */
final class DemoBackend implements AutoCloseable {

  static final HttpString VERSION_HEADER = new HttpString("X-Demo-Version");

  private final Undertow server;
  private volatile boolean failing;

  DemoBackend(String version, int port) {
    server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(1)
        .setHandler(exchange -> {
          exchange.getResponseHeaders().put(VERSION_HEADER, version);
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
          if (failing) {
            exchange.setStatusCode(503);
            exchange.getResponseSender().send("{\"error\":\"version " + version + " is failing (demo)\"}\n");
            return;
          }
          String path = exchange.getRequestPath();
          if (path.startsWith("/api/items/")) {
            String item = path.substring("/api/items/".length()).replaceAll("[^0-9A-Za-z_-]", "");
            exchange.getResponseSender().send("{\"item\":\"" + item + "\",\"price\":" + (item.length() * 7 % 50 + 1)
                + ",\"requestId\":\"" + UUID.randomUUID() + "\"}\n");
            return;
          }
          exchange.getResponseSender().send("{\"version\":\"" + version + "\",\"path\":\"" + path.replace("\"", "") + "\"}\n");
        })
        .build();
    server.start();
  }

  int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  void fail(boolean failing) {
    this.failing = failing;
  }

  @Override
  public void close() {
    server.stop();
  }
}

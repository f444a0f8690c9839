package io.handover.engine.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 to the container engine, one connection per request ({@code Connection: close}), over
 * a Unix-domain socket or TCP, which the JDK's HTTP client cannot reach. Every step has a deadline,
 * so an engine that does not answer is an error, never a hang. Blocking; call it from workers.
 */
final class EngineHttp {

  /** A response: its status and whole body. */
  record Response(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final EngineAddress address;
  private final long connectNanos;
  private final long readNanos;

  EngineHttp(EngineAddress address, Duration connectTimeout, Duration readTimeout) {
    this.address = address;
    this.connectNanos = connectTimeout.toNanos();
    this.readNanos = readTimeout.toNanos();
  }

  EngineAddress address() {
    return address;
  }

  Response send(String method, String target, byte[] json) throws EngineException {
    try (SocketChannel channel = address.family() == null ? SocketChannel.open() : SocketChannel.open(address.family());
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      if (!channel.connect(address.socketAddress())) {
        await(channel, selector, SelectionKey.OP_CONNECT, System.nanoTime() + connectNanos, "connecting");
        channel.finishConnect();
      }
      long deadline = System.nanoTime() + readNanos;
      StringBuilder head = new StringBuilder()
          .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("Host: ").append(address.hostHeader()).append("\r\n")
          .append("Connection: close\r\n");
      if (json != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(json.length).append("\r\n");
      }
      head.append("\r\n");
      ByteBuffer out = ByteBuffer.wrap(concat(head.toString().getBytes(StandardCharsets.US_ASCII), json));
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await(channel, selector, SelectionKey.OP_WRITE, deadline, "sending");
        }
      }
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (true) {
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          await(channel, selector, SelectionKey.OP_READ, deadline, "waiting for its answer");
          continue;
        }
        in.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return parse(in.toByteArray());
    } catch (IOException e) {
      throw new EngineException("the container engine at " + address + " cannot be reached: " + e.getMessage(), e);
    }
  }

  private void await(SocketChannel channel, Selector selector, int op, long deadline, String step) throws IOException, EngineException {
    long left = deadline - System.nanoTime();
    SelectionKey key = channel.register(selector, op);
    if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
      throw new EngineException("the container engine at " + address + " did not answer in time (" + step + ")", 0);
    }
    selector.selectedKeys().clear();
    key.interestOps(0);
  }

  private Response parse(byte[] raw) throws EngineException {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (end < 0) {
      throw new EngineException("the container engine at " + address + " closed the connection without an answer", 0);
    }
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      throw new EngineException("the container engine at " + address + " does not speak HTTP: " + lines[0], 0);
    }
    boolean chunked = false;
    int length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).strip();
      if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      } else if (name.equals("content-length")) {
        length = Integer.parseInt(value);
      }
    }
    int start = end + 4;
    byte[] body;
    if (chunked) {
      body = dechunk(raw, start);
    } else {
      int n = length < 0 ? raw.length - start : Math.min(length, raw.length - start);
      body = java.util.Arrays.copyOfRange(raw, start, start + n);
    }
    return new Response(Integer.parseInt(status[1]), body);
  }

  private static byte[] dechunk(byte[] raw, int at) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] crlf = {'\r', '\n'};
    while (at < raw.length) {
      int lineEnd = indexOf(raw, crlf, at);
      if (lineEnd < 0) {
        break;
      }
      String size = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
      if (n == 0) {
        break;
      }
      int from = lineEnd + 2;
      body.write(raw, from, Math.min(n, raw.length - from));
      at = from + n + 2;
    }
    return body.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (b == null) {
      return a;
    }
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}

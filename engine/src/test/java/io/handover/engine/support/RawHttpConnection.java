package io.handover.engine.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One kept-alive HTTP/1.1 connection over a plain socket, for tests that need to control the bytes
 * on the wire or prove that several requests share one connection.
 */
public final class RawHttpConnection implements AutoCloseable {

  /** A parsed response. Header names are lower case. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private Map<String, List<String>> lastTrailers = Map.of();

  public RawHttpConnection(int port) throws IOException {
    this(port, java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
  }

  /** A connection from another loopback address, e.g. 127.0.0.2: another client to the proxy. */
  public RawHttpConnection(int port, java.net.InetAddress from) throws IOException {
    this.socket = new Socket(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port, from, 0);
    socket.setSoTimeout(20_000);
    this.in = new java.io.BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Sends raw bytes as they are. */
  public void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Sends raw bytes as they are. */
  public void send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  /** Closes the sending side only (TCP half-close): the peer reads the end, answers can still come. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** How long a read may wait for bytes before it fails with a timeout. */
  public void readTimeoutMillis(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** The trailer fields of the last chunked response read (names lower case); empty if none. */
  public Map<String, List<String>> lastTrailers() {
    return lastTrailers;
  }

  /** A GET with the given extra header lines (each without CRLF). */
  public Response get(String path, String... headerLines) throws IOException {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
    if (java.util.Arrays.stream(headerLines).noneMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5))) {
      sb.append("Host: localhost\r\n");
    }
    for (String h : headerLines) {
      sb.append(h).append("\r\n");
    }
    send(sb.append("\r\n").toString());
    return read("GET");
  }

  /** Reads one response to a request with the given method. */
  public Response read(String method) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String l; !(l = line()).isEmpty(); ) {
      int colon = l.indexOf(':');
      headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(l.substring(colon + 1).strip());
    }
    byte[] body;
    lastTrailers = Map.of();
    if (method.equals("HEAD") || status == 204 || status == 304 || status / 100 == 1) {
      body = new byte[0];
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)));
    } else if (headers.getOrDefault("transfer-encoding", List.of()).stream().anyMatch(v -> v.contains("chunked"))) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(line().split(";")[0].strip(), 16);
        if (size == 0) {
          Map<String, List<String>> trailers = new LinkedHashMap<>();
          for (String l; !(l = line()).isEmpty(); ) {
            int colon = l.indexOf(':');
            trailers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(l.substring(colon + 1).strip());
          }
          lastTrailers = trailers;
          break;
        }
        buf.write(in.readNBytes(size));
        line();
      }
      body = buf.toByteArray();
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, body);
  }

  /** Whether the server closed the connection (reads EOF within the socket timeout). */
  public boolean isClosedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** The local port, to tell connections apart. */
  public int localPort() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

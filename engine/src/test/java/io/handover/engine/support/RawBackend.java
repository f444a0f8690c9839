package io.handover.engine.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 backend on a plain {@link ServerSocket}, for tests that need byte-level control of
 * the answer (1xx heads, trailers) or must see exactly what the proxy sent (a body cut short, a
 * malformed chunk). It parses each request itself, records it with how it ended, and lets a
 * {@link Responder} write the answer bytes. Connections are kept alive until the peer closes them,
 * a request ends badly, or the request says {@code Connection: close}.
 */
public final class RawBackend implements AutoCloseable {

  /** How the reading of one request ended. */
  public enum Ending {
    /** Head and the whole body as framed (Content-Length bytes, or chunks up to the last one). */
    COMPLETE,
    /** The connection ended before the body did. */
    EOF_MID_BODY,
    /** The framing of the body could not be parsed. */
    MALFORMED
  }

  /** One request as read off the wire. Header and trailer names are lower case. */
  public record Request(String method, String target, Map<String, List<String>> headers, byte[] body,
      Map<String, List<String>> trailers, Ending ending) {

    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }

    public String trailer(String name) {
      List<String> v = trailers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }
  }

  /** Writes the answer to a completely read request. Called on the connection's own thread. */
  @FunctionalInterface
  public interface Responder {
    void respond(Request request, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "raw-backend");
    t.setDaemon(true);
    return t;
  });
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger reading = new AtomicInteger();
  private volatile Responder responder;

  public RawBackend(Responder responder) throws IOException {
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** Answers {@code 200} with {@code <method> <target>} as a Content-Length body. */
  public static Responder describing() {
    return (request, out) -> text(out, 200, request.method() + " " + request.target());
  }

  /** Writes a whole answer with a Content-Length text body. */
  public static void text(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + b.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(b);
    out.flush();
  }

  public void respondWith(Responder responder) {
    this.responder = responder;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        accepted.incrementAndGet();
        open.incrementAndGet();
        sockets.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = new ResetAsEof(new BufferedInputStream(s.getInputStream()));
      OutputStream out = s.getOutputStream();
      while (true) {
        Request r = read(in);
        if (r == null) {
          return;
        }
        requests.add(r);
        reading.decrementAndGet();
        if (r.ending() != Ending.COMPLETE) {
          return;
        }
        responder.respond(r, out);
        String connection = r.header("Connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
          return;
        }
      }
    } catch (IOException e) {
      // the peer went away while we answered
    } finally {
      open.decrementAndGet();
    }
  }

  /** Reads one request; null when the connection ended cleanly before one began. */
  private Request read(InputStream in) throws IOException {
    String requestLine = line(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = line(in);
    }
    if (requestLine == null) {
      return null;
    }
    reading.incrementAndGet();
    String[] parts = requestLine.split(" ");
    String method = parts[0];
    String target = parts.length > 1 ? parts[1] : "";
    Map<String, List<String>> headers = new LinkedHashMap<>();
    while (true) {
      String l = line(in);
      if (l == null) {
        return new Request(method, target, headers, new byte[0], Map.of(), Ending.EOF_MID_BODY);
      }
      if (l.isEmpty()) {
        break;
      }
      int colon = l.indexOf(':');
      if (colon < 0) {
        return new Request(method, target, headers, new byte[0], Map.of(), Ending.MALFORMED);
      }
      headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(l.substring(colon + 1).strip());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Map<String, List<String>> trailers = new LinkedHashMap<>();
    List<String> te = headers.getOrDefault("transfer-encoding", List.of());
    if (te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
      while (true) {
        String sizeLine = line(in);
        if (sizeLine == null) {
          return new Request(method, target, headers, body.toByteArray(), trailers, Ending.EOF_MID_BODY);
        }
        long size;
        try {
          String hex = sizeLine.split(";")[0].strip();
          if (hex.isEmpty() || hex.length() > 15) {
            throw new NumberFormatException(hex);
          }
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          return new Request(method, target, headers, body.toByteArray(), trailers, Ending.MALFORMED);
        }
        if (size == 0) {
          for (String l; ; ) {
            l = line(in);
            if (l == null) {
              return new Request(method, target, headers, body.toByteArray(), trailers, Ending.EOF_MID_BODY);
            }
            if (l.isEmpty()) {
              return new Request(method, target, headers, body.toByteArray(), trailers, Ending.COMPLETE);
            }
            int colon = l.indexOf(':');
            trailers.computeIfAbsent(l.substring(0, Math.max(colon, 0)).strip().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).add(l.substring(colon + 1).strip());
          }
        }
        byte[] chunk = in.readNBytes((int) Math.min(size, Integer.MAX_VALUE));
        body.write(chunk);
        if (chunk.length < size) {
          return new Request(method, target, headers, body.toByteArray(), trailers, Ending.EOF_MID_BODY);
        }
        String end = line(in);
        if (end == null) {
          return new Request(method, target, headers, body.toByteArray(), trailers, Ending.EOF_MID_BODY);
        }
        if (!end.isEmpty()) {
          return new Request(method, target, headers, body.toByteArray(), trailers, Ending.MALFORMED);
        }
      }
    }
    List<String> cl = headers.get("content-length");
    if (cl != null) {
      long length;
      try {
        length = Long.parseLong(cl.get(0));
      } catch (NumberFormatException e) {
        return new Request(method, target, headers, new byte[0], trailers, Ending.MALFORMED);
      }
      byte[] b = in.readNBytes((int) length);
      return new Request(method, target, headers, b, trailers, b.length < length ? Ending.EOF_MID_BODY : Ending.COMPLETE);
    }
    return new Request(method, target, headers, new byte[0], trailers, Ending.COMPLETE);
  }

  /** A line without its CRLF; null at EOF before any byte of it. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** A reset connection ends a request just as a closed one does: the body did not all arrive. */
  private static final class ResetAsEof extends java.io.FilterInputStream {
    ResetAsEof(InputStream in) {
      super(in);
    }

    @Override
    public int read() {
      try {
        return super.read();
      } catch (IOException e) {
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        return -1;
      }
    }
  }

  /** Every request read so far, in order, however it ended. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests whose head has begun to arrive and whose end (complete or not) has not yet. */
  public int requestsInProgress() {
    return reading.get();
  }

  /** Connections accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Connections accepted and not yet ended. */
  public int openConnections() {
    return open.get();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code {"hostname":"127.0.0.1","port":N}}. */
  public String serverJson() {
    return "{\"hostname\":\"127.0.0.1\",\"port\":" + port() + "}";
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    threads.shutdownNow();
  }
}

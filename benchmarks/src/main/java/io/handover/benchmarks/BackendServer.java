package io.handover.benchmarks;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/**
 * The service behind the proxy in the load tests: a small Undertow server on 127.0.0.1 answering
 * {@code GET /small} with a fixed 100-byte body and {@code GET /large} with a fixed 64 KiB body, on
 * keep-alive connections, from its IO threads. Anything else gets 404.
 *
 * <p>Run as {@code BackendServer PORT [IO_THREADS [NAME]]}; it serves until the process is stopped.
 * With a name, every response carries {@code X-Backend: NAME}, so a client can tell which server
 * answered (left out otherwise, so that two backends give byte-identical responses).
 */
public final class BackendServer {

  /** The body size of {@code /small}. */
  public static final int SMALL_BYTES = 100;
  /** The body size of {@code /large}. */
  public static final int LARGE_BYTES = 64 * 1024;

  private static final ByteBuffer SMALL = body(SMALL_BYTES);
  private static final ByteBuffer LARGE = body(LARGE_BYTES);

  private BackendServer() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: BackendServer PORT [IO_THREADS [NAME]]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int ioThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String name = args.length > 2 ? args[2] : null;
    Undertow server = start("127.0.0.1", port, ioThreads, name);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "backend-shutdown"));
    System.out.println("backend listening on 127.0.0.1:" + port + " with " + ioThreads + " IO threads");
  }

  /** Starts a backend; stop it with {@link Undertow#stop()}. */
  public static Undertow start(String host, int port, int ioThreads) {
    return start(host, port, ioThreads, null);
  }

  /** Starts a backend whose responses carry {@code X-Backend: name} (none when name is null). */
  public static Undertow start(String host, int port, int ioThreads, String name) {
    Undertow server = Undertow.builder()
        .addHttpListener(port, host)
        .setIoThreads(ioThreads)
        .setWorkerThreads(2)
        .setHandler(new Handler(name))
        .build();
    server.start();
    return server;
  }

  /** The body size served at a path, for clients that check it. */
  public static int bodyBytes(String path) {
    return switch (path) {
      case "/small" -> SMALL_BYTES;
      case "/large" -> LARGE_BYTES;
      default -> throw new IllegalArgumentException("no such path: " + path);
    };
  }

  /** The path serving a body kind: {@code small} or {@code large}. */
  public static String pathOf(String body) {
    return switch (body) {
      case "small" -> "/small";
      case "large" -> "/large";
      default -> throw new IllegalArgumentException("body must be small or large, not " + body);
    };
  }

  private static final class Handler implements HttpHandler {
    private static final HttpString X_BACKEND = new HttpString("X-Backend");
    private final String name;

    Handler(String name) {
      this.name = name;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
      ByteBuffer body = switch (exchange.getRequestPath()) {
        case "/small" -> SMALL;
        case "/large" -> LARGE;
        default -> null;
      };
      if (body == null) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.endExchange();
        return;
      }
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      if (name != null) {
        exchange.getResponseHeaders().put(X_BACKEND, name);
      }
      exchange.getResponseSender().send(body.duplicate());
    }
  }

  private static ByteBuffer body(int size) {
    ByteBuffer buf = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i++) {
      buf.put((byte) ('a' + i % 26));
    }
    buf.flip();
    return buf.asReadOnlyBuffer();
  }
}

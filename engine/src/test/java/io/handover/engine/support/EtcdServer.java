package io.handover.engine.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real etcd server (the {@code etcd} binary on the PATH) on free loopback ports with a temporary
 * data folder. {@link #stop} kills it, {@link #restart} brings it back on the same ports and data.
 */
public final class EtcdServer implements AutoCloseable {

  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdServer(Path dataDir, int clientPort, int peerPort) {
    this.dataDir = dataDir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** The etcd binary on the PATH, or null. */
  public static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "etcd");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  public static EtcdServer start() throws IOException {
    EtcdServer server = new EtcdServer(Files.createTempDirectory("etcd-test"), freePort(), freePort());
    server.restart();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  /** Starts it (again) and waits until it answers its health check. */
  public void restart() throws IOException {
    String client = endpoint();
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of(binary().toString(), "--data-dir", dataDir.resolve("data").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
        .start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("etcd stopped: " + Files.readString(dataDir.resolve("etcd.log")));
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(client + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("true");
    });
  }

  /** Kills it at once, as a crash would. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

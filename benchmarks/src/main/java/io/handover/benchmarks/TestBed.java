package io.handover.benchmarks;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The processes under load: one backend ({@code direct}), or a backend behind Handover
 * ({@code proxied}). For every mode but INSTANT a second backend is started and registered through
 * the admin API as version 2.0 with that mode, so the mode moves traffic from version 1.0 to it.
 *
 * <p>Each process is a {@link ChildJvm}. JVM options come from system properties:
 * {@code handover.bench.proxyJvmArgs} (default: the distribution's {@code JAVA_OPTS}) and
 * {@code handover.bench.backendJvmArgs}.
 */
final class TestBed implements AutoCloseable {

  /** The distribution's default {@code JAVA_OPTS} (see distribution/src/dist/bin/handover). */
  static final String DEFAULT_PROXY_JVM_ARGS = "-Xms16m -Xmx256m -Xmn8m -XX:+UseSerialGC -XX:MaxDirectMemorySize=64m -XX:+UnlockExperimentalVMOptions -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000";
  static final String DEFAULT_BACKEND_JVM_ARGS = "-Xms128m -Xmx512m -XX:+UseParallelGC";

  /**
   * What to start.
   *
   * @param target {@code direct} or {@code proxied}
   * @param mode the upgrade mode of version 2.0 (ignored for direct); INSTANT means one version only
   * @param proxyIoThreads the proxy's {@code ioThreads}
   * @param backendIoThreads each backend's IO threads
   * @param tagBackends whether each backend names itself in an {@code X-Backend} header
   */
  record Options(String target, String mode, int proxyIoThreads, int backendIoThreads, boolean tagBackends) {

    Options(String target, String mode, int proxyIoThreads, int backendIoThreads) {
      this(target, mode, proxyIoThreads, backendIoThreads, false);
    }

    Options {
      requireNonNull(target, "target is null");
      requireNonNull(mode, "mode is null");
      if (!target.equals("direct") && !target.equals("proxied")) {
        throw new IllegalArgumentException("target must be direct or proxied, not " + target);
      }
      mode = mode.toUpperCase(Locale.ROOT);
    }

    boolean proxied() {
      return target.equals("proxied");
    }
  }

  private final Options options;
  private final Path workDir;
  private final List<ChildJvm> children = new ArrayList<>();
  private final List<Backend> backends = new ArrayList<>();
  /** A backend process and its port. */
  record Backend(String name, ChildJvm process, int port) {}

  private InetSocketAddress address;
  private ChildJvm proxy;
  private int adminPort;

  private TestBed(Options options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
  }

  /** Starts the processes and checks that a request gets through. */
  static TestBed start(Options options) {
    Path dir;
    try {
      dir = Files.createTempDirectory("handover-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestBed bed = new TestBed(options, dir);
    try {
      bed.startAll();
      return bed;
    } catch (RuntimeException | Error e) {
      bed.close();
      throw e;
    }
  }

  private void startAll() {
    int backendPort = ChildJvm.freePort();
    ChildJvm backend1 = startBackend("backend-1", backendPort);
    if (!options.proxied()) {
      address = new InetSocketAddress("127.0.0.1", backendPort);
      check();
      return;
    }
    int proxyPort = ChildJvm.freePort();
    adminPort = ChildJvm.freePort();
    Path config = workDir.resolve("handover.json");
    ObjectNode root = BenchJson.MAPPER.createObjectNode();
    root.putObject("proxy").put("port", proxyPort).put("bindAddress", "127.0.0.1").put("ioThreads", options.proxyIoThreads());
    root.putObject("configService").put("port", adminPort).put("bindAddress", "127.0.0.1");
    root.set("cluster", cluster(backendPort, "1.0", Transitions.json("INSTANT")));
    // -Dhandover.bench.metrics=off: the request path's meters as no-ops, to weigh what they cost
    if ("off".equals(System.getProperty("handover.bench.metrics"))) {
      root.putObject("metrics").put("enabled", false);
    }
    try {
      Files.writeString(config, BenchJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    proxy = ChildJvm.start("proxy", "io.handover.engine.cli.HandoverCli", jvmArgs("handover.bench.proxyJvmArgs", DEFAULT_PROXY_JVM_ARGS),
        List.of("run", "--config-file", config.toString()), workDir);
    children.add(proxy);
    proxy.awaitPort(proxyPort, 60, TimeUnit.SECONDS);
    proxy.awaitPort(adminPort, 30, TimeUnit.SECONDS);
    ChildJvm.requireAlive(backend1);
    if (!options.mode().equals("INSTANT")) {
      int backend2Port = ChildJvm.freePort();
      startBackend("backend-2", backend2Port);
      ObjectNode body = BenchJson.MAPPER.createObjectNode();
      body.set("cluster", cluster(backend2Port, "2.0", Transitions.json(options.mode())));
      putCluster(body.toString());
    }
    address = new InetSocketAddress("127.0.0.1", proxyPort);
    check();
  }

  private ChildJvm startBackend(String name, int port) {
    List<String> args = new ArrayList<>(List.of(Integer.toString(port), Integer.toString(options.backendIoThreads())));
    if (options.tagBackends()) {
      args.add(name);
    }
    ChildJvm backend = ChildJvm.start(name, BackendServer.class.getName(), jvmArgs("handover.bench.backendJvmArgs", DEFAULT_BACKEND_JVM_ARGS),
        args, workDir);
    children.add(backend);
    backends.add(new Backend(name, backend, port));
    backend.awaitPort(port, 60, TimeUnit.SECONDS);
    return backend;
  }

  /** Starts one more backend, named {@code backend-N}, not yet registered with the proxy. */
  Backend addBackend() {
    int port = ChildJvm.freePort();
    startBackend("backend-" + (backends.size() + 1), port);
    return backends.get(backends.size() - 1);
  }

  /** The backends started so far, oldest first. */
  List<Backend> backends() {
    return List.copyOf(backends);
  }

  /** {@code {"cluster":{...}}} for a version served by one backend. */
  static String clusterJson(Backend backend, String version, String mode) {
    ObjectNode body = BenchJson.MAPPER.createObjectNode();
    body.set("cluster", cluster(backend.port(), version, Transitions.json(mode)));
    return body.toString();
  }

  private static ObjectNode cluster(int port, String version, ObjectNode transition) {
    ObjectNode cluster = BenchJson.MAPPER.createObjectNode();
    cluster.putArray("servers").addObject().put("hostname", "127.0.0.1").put("port", port);
    cluster.put("version", version);
    cluster.set("upgradeTransition", transition);
    return cluster;
  }

  private static List<String> jvmArgs(String property, String fallback) {
    String value = System.getProperty(property, fallback).strip();
    return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
  }

  /** Registers a version through the admin API; returns its id. */
  String putCluster(String json) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(admin("/configuration/cluster"))
        .PUT(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("PUT /configuration/cluster answered " + response.statusCode() + ": " + response.body()
          + "\n(is mode " + options.mode() + " available in this build? override its settings with -Dhandover.bench.transition."
          + options.mode() + "=JSON)");
    }
    return response.body().strip();
  }

  /** Removes a version through the admin API. */
  void deleteCluster(String id) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(admin("/configuration/cluster/" + id)).DELETE().build());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("DELETE /configuration/cluster/" + id + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private URI admin(String path) {
    if (proxy == null) {
      throw new IllegalStateException("no proxy: the target is direct");
    }
    return URI.create("http://127.0.0.1:" + adminPort + path);
  }

  /** The versions the admin API lists, as its JSON text; also warms the admin connection. */
  String listClusters() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(admin("/configuration/cluster")).GET().build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET /configuration/cluster answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static final HttpClient ADMIN_CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return ADMIN_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** One request per body size through the target, so that a broken set-up fails before the load. */
  private void check() {
    for (String path : List.of("/small", "/large")) {
      HttpResponse<byte[]> response;
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).timeout(Duration.ofSeconds(10)).build();
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        throw new IllegalStateException("GET " + path + " through " + options.target() + " failed: " + e + logs(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (response.statusCode() != 200 || response.body().length != BackendServer.bodyBytes(path)) {
        throw new IllegalStateException("GET " + path + " through " + options.target() + " answered " + response.statusCode()
            + " with " + response.body().length + " bytes" + logs());
      }
    }
  }

  private String logs() {
    StringBuilder sb = new StringBuilder();
    for (ChildJvm c : children) {
      sb.append("\n--- ").append(c).append(" log:\n").append(c.logTail());
    }
    return sb.toString();
  }

  /** Where the load goes. */
  InetSocketAddress address() {
    return address;
  }

  /** The proxy process, or null when the target is direct. */
  ChildJvm proxy() {
    return proxy;
  }

  Options options() {
    return options;
  }

  /** Throws when a process has died (one killed on purpose with {@link ChildJvm#kill()} included). */
  void requireAlive() {
    children.forEach(ChildJvm::requireAlive);
  }

  /** Stops every process, newest first, and removes the work folder (unless -Dhandover.bench.keepLogs=true). */
  @Override
  public void close() {
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).close();
    }
    if (Boolean.getBoolean("handover.bench.keepLogs")) {
      System.out.println("logs kept in " + workDir);
      return;
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}

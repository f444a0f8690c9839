package io.handover.benchmarks;

import io.handover.engine.Handover;
import io.handover.engine.config.EtcdSettings;
import io.handover.engine.config.HandoverConfig;
import io.undertow.Undertow;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Several instances sharing one etcd: how soon a change made on one is acted on by another, and
 * what the etcd store costs on the request path.
 *
 * <ol>
 *   <li><b>Propagation</b>: three instances (a, b, c) on one etcd; 20 times a new version is PUT on
 *       a, and b is asked in a tight loop until the first answer comes from the new version. From the
 *       moment the PUT is sent: when a acknowledged it (etcd committed it), and when b first answered
 *       from it. Median and max over the 20 changes.
 *   <li><b>Throughput</b>: closed-loop load (64 keep-alive connections, 100 B bodies) through an
 *       instance with the etcd store and through one without, alternately, several rounds each.
 * </ol>
 *
 * <p>Starts its own etcd (the {@code etcd} binary on the PATH) on free ports with a temporary data
 * folder and stops it at the end. Usage: {@code java -cp benchmarks.jar
 * io.handover.benchmarks.ScaleOutBenchmark [changes=20] [rounds=3] [seconds=5]}.
 */
public final class ScaleOutBenchmark {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path etcdBinary = etcdBinary();
    if (etcdBinary == null) {
      System.err.println("ScaleOutBenchmark: no etcd binary on the PATH (apt-get install etcd-server)");
      System.exit(2);
    }
    Path data = Files.createTempDirectory("scale-out-etcd");
    int clientPort = freePort();
    int peerPort = freePort();
    String endpoint = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Process etcd = new ProcessBuilder(etcdBinary.toString(), "--data-dir", data.resolve("data").toString(),
        "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "default=" + peer)
        .redirectErrorStream(true).redirectOutput(data.resolve("etcd.log").toFile()).start();
    List<Undertow> backends = new ArrayList<>();
    List<Handover> instances = new ArrayList<>();
    try {
      waitForEtcd(endpoint);
      String secret = "scale-out-benchmark-secret";
      for (String name : List.of("a", "b", "c")) {
        instances.add(Handover.start(HandoverConfig.ephemeral().withCookieSecret(secret)
            .withEtcd(new EtcdSettings(List.of(endpoint), "/handover/bench/", name))));
      }
      Handover plain = Handover.start(HandoverConfig.ephemeral().withCookieSecret(secret));
      instances.add(plain);
      for (int i = 0; i <= changes; i++) {
        backends.add(BackendServer.start("127.0.0.1", 0, 1, "backend-" + i));
      }
      put(instances.get(0), "1.0", backends.get(0));
      put(plain, "1.0", backends.get(0));

      List<Double> acked = new ArrayList<>();
      List<Double> firstAnswer = new ArrayList<>();
      URI onB = URI.create("http://127.0.0.1:" + instances.get(1).proxyAddress().getPort() + "/small");
      for (int i = 1; i <= changes; i++) {
        String backend = "backend-" + i;
        long start = System.nanoTime();
        put(instances.get(0), "1." + i, backends.get(i));
        acked.add((System.nanoTime() - start) / 1e6);
        while (!backend.equals(HTTP.send(HttpRequest.newBuilder(onB).build(), HttpResponse.BodyHandlers.discarding())
            .headers().firstValue("X-Backend").orElse(""))) {
          if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(10)) {
            throw new IllegalStateException("b never answered from " + backend);
          }
        }
        firstAnswer.add((System.nanoTime() - start) / 1e6);
      }
      System.out.printf(Locale.ROOT, "propagation over %d changes (ms from the PUT on a):%n", changes);
      System.out.printf(Locale.ROOT, "  acknowledged by a (etcd committed): median %.1f, max %.1f%n", median(acked), max(acked));
      System.out.printf(Locale.ROOT, "  first answer from the new version on b: median %.1f, max %.1f%n", median(firstAnswer), max(firstAnswer));

      String last = "1." + changes;
      put(plain, last, backends.get(changes));
      InetSocketAddress withEtcd = new InetSocketAddress("127.0.0.1", instances.get(0).proxyAddress().getPort());
      InetSocketAddress without = new InetSocketAddress("127.0.0.1", plain.proxyAddress().getPort());
      load(withEtcd, 2);
      load(without, 2);
      List<Double> etcdRates = new ArrayList<>();
      List<Double> plainRates = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        etcdRates.add(load(withEtcd, seconds));
        plainRates.add(load(without, seconds));
      }
      System.out.printf(Locale.ROOT, "throughput (req/s, 64 connections, 100 B, %d rounds of %d s, median):%n", rounds, seconds);
      System.out.printf(Locale.ROOT, "  without a store: %.0f %s%n", median(plainRates), plainRates);
      System.out.printf(Locale.ROOT, "  with the etcd store: %.0f %s%n", median(etcdRates), etcdRates);
    } finally {
      instances.forEach(Handover::close);
      backends.forEach(Undertow::stop);
      etcd.destroyForcibly().waitFor();
      try (var files = Files.walk(data)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Closed-loop load for {@code seconds}; whole 2xx responses per second. Errors stop the run. */
  private static double load(InetSocketAddress address, int seconds) throws Exception {
    try (LoadClient client = new LoadClient(LoadClient.Options.closedLoop(address, "/small", 64, 2, BackendServer.SMALL_BYTES))) {
      client.start();
      LoadClient.Stats begin = client.stats();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      LoadClient.Stats run = client.stats().minus(begin);
      if (run.errorCount() > 0) {
        throw new IllegalStateException("errors under load: " + run.describeErrors());
      }
      return Math.round(run.ok() * 1e9 / run.nanoTime());
    }
  }

  private static void put(Handover on, String version, Undertow backend) throws Exception {
    int port = ((InetSocketAddress) backend.getListenerInfo().get(0).getAddress()).getPort();
    String json = "{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":" + port + "}],\"version\":\"" + version + "\"}}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.adminAddress().getPort()
        + "/configuration/cluster")).PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("PUT answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static void waitForEtcd(String endpoint) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).build(), HttpResponse.BodyHandlers.ofString())
            .body().contains("true")) {
          return;
        }
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(50);
    }
  }

  private static Path etcdBinary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "etcd");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}

package io.handover.benchmarks;

import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The thesis's update-speed and software-recovery measurements, on loopback:
 *
 * <ul>
 *   <li><b>update speed</b>: from the admin {@code PUT} of a new version returning to the first
 *       request served by it, and how many requests the old version served in between;
 *   <li><b>recovery</b>: under steady load, the new version's servers are stopped; how many client
 *       requests failed, how long until the first answer from the old version, and the worst latency
 *       a client saw meanwhile.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.handover.benchmarks.UpgradeTimings [trials] [clients]}.
 * Sends load only to 127.0.0.1 and stops by itself.
 */
public final class UpgradeTimings {

  private UpgradeTimings() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    System.setProperty("org.jboss.logging.provider", "slf4j");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    updateSpeed(http, trials);
    recovery(http, trials, clients);
    System.exit(0);
  }

  private static Undertow backend(String version) {
    Undertow server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setHandler(exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          exchange.getResponseSender().send(version);
        })
        .build();
    server.start();
    return server;
  }

  private static int port(Undertow server) {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  private static String put(HttpClient http, Handover proxy, String version, Undertow... servers) throws Exception {
    StringBuilder list = new StringBuilder();
    for (Undertow s : servers) {
      list.append(list.length() == 0 ? "" : ",").append("{\"hostname\":\"127.0.0.1\",\"port\":").append(port(s)).append('}');
    }
    String body = "{\"cluster\":{\"servers\":[" + list + "],\"version\":\"" + version + "\"}}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort()
        + "/configuration/cluster")).PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("PUT failed: " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static void updateSpeed(HttpClient http, int trials) throws Exception {
    Undertow v1 = backend("1");
    try (Handover proxy = Handover.start(HandoverConfig.ephemeral())) {
      put(http, proxy, "1", v1);
      URI uri = URI.create("http://127.0.0.1:" + proxy.proxyAddress().getPort() + "/");
      long[] micros = new long[trials];
      int[] oldAnswers = new int[trials];
      for (int t = 0; t < trials; t++) {
        String version = String.valueOf(t + 2);
        Undertow next = backend(version);
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()); // warm connection
        put(http, proxy, version, next);
        long returned = System.nanoTime();
        while (!http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body().equals(version)) {
          oldAnswers[t]++;
        }
        micros[t] = (System.nanoTime() - returned) / 1_000;
      }
      Arrays.sort(micros);
      System.out.printf("update speed over %d upgrades: PUT returned -> first answer from the new version: "
          + "median %d us, max %d us; requests answered by the old version after the PUT returned: %d%n",
          trials, micros[trials / 2], micros[trials - 1], Arrays.stream(oldAnswers).sum());
    } finally {
      v1.stop();
    }
  }

  private static void recovery(HttpClient http, int trials, int clients) throws Exception {
    long[] recoveryMicros = new long[trials];
    long[] worstLatencyMicros = new long[trials];
    int totalErrors = 0;
    long totalRequests = 0;
    for (int t = 0; t < trials; t++) {
      Undertow v1 = backend("1");
      Undertow v2a = backend("2");
      Undertow v2b = backend("2");
      try (Handover proxy = Handover.start(HandoverConfig.ephemeral())) {
        put(http, proxy, "1", v1);
        put(http, proxy, "2", v2a, v2b);
        URI uri = URI.create("http://127.0.0.1:" + proxy.proxyAddress().getPort() + "/");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstOldAfterKill = new AtomicLong(Long.MAX_VALUE);
        AtomicLong worst = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong requests = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          futures.add(pool.submit(() -> {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (running.get() && System.nanoTime() < deadline) {
              long start = System.nanoTime();
              try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
                long end = System.nanoTime();
                requests.incrementAndGet();
                if (r.statusCode() != 200) {
                  errors.incrementAndGet();
                } else if (start >= killedAt.get()) {
                  worst.accumulateAndGet(end - start, Math::max);
                  if (r.body().equals("1")) {
                    firstOldAfterKill.accumulateAndGet(end, Math::min);
                  }
                }
              } catch (Exception e) {
                errors.incrementAndGet();
              }
            }
            return null;
          }));
        }
        Thread.sleep(500);
        killedAt.set(System.nanoTime());
        v2a.stop();
        v2b.stop();
        Thread.sleep(1_000);
        running.set(false);
        for (Future<?> f : futures) {
          f.get();
        }
        pool.shutdown();
        recoveryMicros[t] = (firstOldAfterKill.get() - killedAt.get()) / 1_000;
        worstLatencyMicros[t] = worst.get() / 1_000;
        totalErrors += errors.get();
        totalRequests += requests.get();
      } finally {
        v1.stop();
      }
    }
    Arrays.sort(recoveryMicros);
    Arrays.sort(worstLatencyMicros);
    System.out.printf("recovery over %d runs with %d clients (%d requests): new version stopped -> first answer from the old version: "
        + "median %d us, max %d us; worst client latency after the stop: median %d us, max %d us; client-visible errors: %d%n",
        trials, clients, totalRequests, recoveryMicros[trials / 2], recoveryMicros[trials - 1],
        worstLatencyMicros[trials / 2], worstLatencyMicros[trials - 1], totalErrors);
  }
}

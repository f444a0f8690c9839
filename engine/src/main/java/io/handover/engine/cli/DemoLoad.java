package io.handover.engine.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The demo's clients: {@code users} virtual users, each with its own cookies, asking
 * {@code /api/items/N} in turn from a few threads. Counts the answers per version (from
 * {@code X-Demo-Version}) and the errors clients saw; {@link #newUsers} replaces some users by new
 * ones, as sessions come and go.
 */
final class DemoLoad implements AutoCloseable {

  /** What the clients saw since the last {@link #take}. */
  record Tick(Map<String, Long> byVersion, long errors, double seconds) {
    long total() {
      return byVersion.values().stream().mapToLong(Long::longValue).sum();
    }

    double share(String version) {
      long total = total();
      return total == 0 ? 0 : byVersion.getOrDefault(version, 0L) / (double) total;
    }
  }

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicReferenceArray<Map<String, String>> cookies;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong totalErrors = new AtomicLong();
  private final AtomicLong next = new AtomicLong();
  private final List<Thread> threads;
  private final long pauseMillis;
  private volatile boolean running = true;
  private long lastTake = System.nanoTime();

  DemoLoad(URI base, int users, int threadCount, long pauseMillis) {
    this.base = base;
    this.pauseMillis = pauseMillis;
    cookies = new AtomicReferenceArray<>(users);
    for (int i = 0; i < users; i++) {
      cookies.set(i, new ConcurrentHashMap<>());
    }
    threads = java.util.stream.IntStream.range(0, threadCount).mapToObj(i -> {
      Thread t = new Thread(this::loop, "demo-client-" + i);
      t.setDaemon(true);
      return t;
    }).toList();
    threads.forEach(Thread::start);
  }

  private void loop() {
    while (running) {
      int user = (int) (next.getAndIncrement() % cookies.length());
      Map<String, String> jar = cookies.get(user);
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/items/" + ThreadLocalRandom.current().nextInt(100)))
          .timeout(Duration.ofSeconds(10));
      if (!jar.isEmpty()) {
        StringBuilder cookie = new StringBuilder();
        jar.forEach((k, v) -> cookie.append(cookie.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        request.header("Cookie", cookie.toString());
      }
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("set-cookie")) {
          String pair = set.split(";", 2)[0];
          int eq = pair.indexOf('=');
          if (eq > 0) {
            jar.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
          }
        }
        if (response.statusCode() >= 400) {
          count(null);
        } else {
          count(response.headers().firstValue(DemoBackend.VERSION_HEADER.toString()).orElse("?"));
        }
      } catch (IOException e) {
        count(null);
      } catch (InterruptedException e) {
        return;
      }
      if (pauseMillis > 0) {
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void count(String version) {
    if (version == null) {
      errors.incrementAndGet();
      totalErrors.incrementAndGet();
      return;
    }
    counts.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
    totals.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
  }

  /** Replaces {@code n} users by new ones without cookies. */
  void newUsers(int n) {
    for (int i = 0; i < n; i++) {
      cookies.set(ThreadLocalRandom.current().nextInt(cookies.length()), new ConcurrentHashMap<>());
    }
  }

  /** What was seen since the last call. */
  synchronized Tick take() {
    long now = System.nanoTime();
    Map<String, Long> seen = new TreeMap<>();
    counts.forEach((v, c) -> seen.put(v, c.getAndSet(0)));
    Tick tick = new Tick(seen, errors.getAndSet(0), (now - lastTake) / 1e9);
    lastTake = now;
    return tick;
  }

  Map<String, Long> totals() {
    Map<String, Long> out = new TreeMap<>();
    totals.forEach((v, c) -> out.put(v, c.get()));
    return out;
  }

  long totalErrors() {
    return totalErrors.get();
  }

  @Override
  public void close() {
    running = false;
    threads.forEach(Thread::interrupt);
  }
}

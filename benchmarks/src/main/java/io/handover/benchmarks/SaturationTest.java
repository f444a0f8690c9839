package io.handover.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The saturation test (thesis 8.2): prolonged load on Handover, to show that it runs without
 * degrading: throughput and latency per interval, the proxy's heap after a full GC, resident memory
 * and open file descriptors at the start and at the end, and every error. Drift is reported two ways:
 * first against last tenth of the intervals, and as the trend of a least-squares line through all of
 * them. Exits 1 when any request failed (or, with {@code --max-drift PCT}, when the trend is larger).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.handover.benchmarks.SaturationTest [--duration 10m]
 * [--interval 30s] [--warmup 30s] [--connections 64] [--body small|large] [--mode INSTANT]
 * [--target proxied|direct] [--rate REQ_PER_S] [--io-threads 2] [--max-drift PCT] [--smoke]}.
 * {@code --rate 0} (the default) is closed-loop: each connection sends its next request as soon as
 * the last one is answered, so throughput is the observable; with a rate, latency is. {@code --smoke}
 * runs 8 s in 1 s intervals.
 */
public final class SaturationTest {

  /** The command line. */
  record Options(Duration duration, Duration interval, Duration warmup, int connections, String body, String mode,
      String target, double rate, int ioThreads, double maxDriftPercent) {

    static Options parse(String[] args) {
      Duration duration = Duration.ofMinutes(10);
      Duration interval = null;
      Duration warmup = Duration.ofSeconds(30);
      int connections = 64;
      String body = "small";
      String mode = "INSTANT";
      String target = "proxied";
      double rate = 0;
      int ioThreads = 2;
      double maxDrift = -1;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--smoke")) {
          duration = Duration.ofSeconds(8);
          interval = Duration.ofSeconds(1);
          warmup = Duration.ofSeconds(2);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--duration" -> duration = duration(v);
          case "--interval" -> interval = duration(v);
          case "--warmup" -> warmup = duration(v);
          case "--connections" -> connections = Integer.parseInt(v);
          case "--body" -> body = v;
          case "--mode" -> mode = v.toUpperCase(Locale.ROOT);
          case "--target" -> target = v;
          case "--rate" -> rate = Double.parseDouble(v);
          case "--io-threads" -> ioThreads = Integer.parseInt(v);
          case "--max-drift" -> maxDrift = Double.parseDouble(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (interval == null) {
        long s = Math.max(1, Math.min(30, duration.toSeconds() / 20));
        interval = Duration.ofSeconds(s);
      }
      if (interval.compareTo(duration) > 0) {
        interval = duration;
      }
      BackendServer.pathOf(body);
      return new Options(duration, interval, warmup, connections, body, mode, target, rate, ioThreads, maxDrift);
    }

    /** {@code 90}, {@code 90s}, {@code 10m}, {@code 1h}. */
    static Duration duration(String v) {
      char unit = v.charAt(v.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("bad duration " + v + "; use e.g. 30s, 10m, 1h");
      };
    }
  }

  /** One interval's figures. */
  record Sample(double atSeconds, LoadClient.Stats stats, long rss, long fds) {}

  private SaturationTest() {}

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("SaturationTest: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(o));
  }

  static int run(Options o) throws IOException, InterruptedException {
    System.out.printf(Locale.ROOT, "saturation: %s %s, mode %s, %d connections, %s body, %s, %s in %s intervals after %s warm-up%n",
        o.target(), o.target().equals("proxied") ? "Handover" : "backend", o.mode(), o.connections(), o.body(),
        o.rate() > 0 ? String.format(Locale.ROOT, "paced at %.0f req/s", o.rate()) : "closed loop",
        human(o.duration()), human(o.interval()), human(o.warmup()));
    String path = BackendServer.pathOf(o.body());
    List<Sample> samples = new ArrayList<>();
    long heapStart = -1;
    long heapEnd = -1;
    long rssStart;
    long fdsStart;
    long threadsStart;
    long rssEnd;
    long fdsEnd;
    long threadsEnd;
    String heapNote = "";
    LoadClient.Stats total;
    String lastError;
    try (TestBed bed = TestBed.start(new TestBed.Options(o.target(), o.mode(), o.ioThreads(), 2));
        LoadClient client = new LoadClient(LoadClient.Options.closedLoop(bed.address(), path, o.connections(), 2, BackendServer.bodyBytes(path))
            .withRate(o.rate())).start()) {
      ChildJvm watched = bed.proxy();
      long pid = watched == null ? -1 : watched.pid();
      Thread.sleep(o.warmup().toMillis());
      ProcStats.Jmx jmx = null;
      if (pid > 0) {
        try {
          jmx = ProcStats.Jmx.attach(pid);
          heapStart = jmx.heapAfterGc();
        } catch (IOException | RuntimeException e) {
          heapNote = " (heap not measured: " + e.getMessage() + ")";
        }
      }
      rssStart = ProcStats.rssBytes(pid);
      fdsStart = ProcStats.openFiles(pid);
      threadsStart = ProcStats.threads(pid);
      if (pid > 0) {
        System.out.printf(Locale.ROOT, "start: proxy heap after GC %s, RSS %s, %d fds, %d threads%s%n",
            ProcStats.mib(heapStart), ProcStats.mib(rssStart), fdsStart, threadsStart, heapNote);
      }
      System.out.printf(Locale.ROOT, "%8s %10s %9s %9s %9s %8s %10s %5s%n", "t (s)", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "RSS", "fds");
      LoadClient.Stats begin = client.stats();
      LoadClient.Stats last = begin;
      long startNanos = System.nanoTime();
      long intervalNanos = o.interval().toNanos();
      long endNanos = startNanos + o.duration().toNanos();
      long next = startNanos + intervalNanos;
      while (true) {
        long sleep = Math.min(next, endNanos) - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
        LoadClient.Stats now = client.stats();
        LoadClient.Stats d = now.minus(last);
        last = now;
        Sample s = new Sample((now.nanoTime() - startNanos) / 1e9, d, ProcStats.rssBytes(pid), ProcStats.openFiles(pid));
        samples.add(s);
        System.out.printf(Locale.ROOT, "%8.1f %10.0f %9.3f %9.3f %9.3f %8d %10s %5s%n", s.atSeconds(), d.perSecond(),
            d.latency().quantile(0.5) / 1e6, d.latency().quantile(0.99) / 1e6, d.latency().quantile(0.999) / 1e6,
            d.errorCount(), ProcStats.mib(s.rss()), s.fds() < 0 ? "n/a" : Long.toString(s.fds()));
        bed.requireAlive();
        if (System.nanoTime() >= endNanos - intervalNanos / 10) {
          break;
        }
        next += intervalNanos;
      }
      total = client.stats().minus(begin);
      lastError = client.lastError();
      if (jmx != null) {
        try {
          heapEnd = jmx.heapAfterGc();
        } catch (RuntimeException e) {
          heapNote = " (heap not measured at the end: " + e.getMessage() + ")";
        } finally {
          jmx.close();
        }
      }
      rssEnd = ProcStats.rssBytes(pid);
      fdsEnd = ProcStats.openFiles(pid);
      threadsEnd = ProcStats.threads(pid);
    }
    if (rssEnd >= 0) {
      System.out.printf(Locale.ROOT, "end:   proxy heap after GC %s, RSS %s, %d fds, %d threads%s%n",
          ProcStats.mib(heapEnd), ProcStats.mib(rssEnd), fdsEnd, threadsEnd, heapNote);
    }

    int k = Math.max(1, samples.size() / 10);
    double first = mean(samples.subList(0, k));
    double lastRate = mean(samples.subList(samples.size() - k, samples.size()));
    double drift = first > 0 ? (lastRate - first) / first * 100 : 0;
    double trend = trendPercent(samples);
    double p99First = p99(samples.subList(0, k));
    double p99Last = p99(samples.subList(samples.size() - k, samples.size()));
    System.out.printf(Locale.ROOT, "total: %,d responses in %.1f s (%,.0f req/s), p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, errors: %s%n",
        total.completed(), total.nanoTime() / 1e9, total.perSecond(), total.latency().quantile(0.5) / 1e6,
        total.latency().quantile(0.99) / 1e6, total.latency().quantile(0.999) / 1e6, total.describeErrors());
    System.out.printf(Locale.ROOT, "drift: throughput %+.1f%% (first %d vs last %d intervals: %,.0f -> %,.0f req/s), p99 %.3f -> %.3f ms%n",
        drift, k, k, first, lastRate, p99First, p99Last);
    System.out.printf(Locale.ROOT, "trend: throughput %+.1f%% over the run (least-squares line through all %d intervals; range %,.0f to %,.0f req/s)%n",
        trend, samples.size(), min(samples), max(samples));
    if (heapStart >= 0 && heapEnd >= 0) {
      System.out.printf(Locale.ROOT, "heap after GC: %s -> %s (%+.1f MiB); fds %d -> %d; threads %d -> %d%n",
          ProcStats.mib(heapStart), ProcStats.mib(heapEnd), (heapEnd - heapStart) / 1048576.0, fdsStart, fdsEnd, threadsStart, threadsEnd);
    }
    int code = 0;
    if (total.errorCount() > 0) {
      System.out.println("FAILED: " + total.errorCount() + " errors (" + total.describeErrors() + "); last: " + lastError);
      code = 1;
    }
    if (o.maxDriftPercent() >= 0 && Math.abs(trend) > o.maxDriftPercent()) {
      System.out.printf(Locale.ROOT, "FAILED: throughput trend %+.1f%%, more than %.1f%%%n", trend, o.maxDriftPercent());
      code = 1;
    }
    if (code == 0) {
      System.out.println("OK: no errors");
    }
    return code;
  }

  /**
   * The change of throughput over the run along a least-squares line, as a percentage of the mean:
   * less swayed by one noisy interval at either end than comparing the first and last intervals.
   */
  static double trendPercent(List<Sample> samples) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = 0;
    double my = 0;
    for (Sample s : samples) {
      mx += s.atSeconds();
      my += s.stats().perSecond();
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      double dx = s.atSeconds() - mx;
      sxy += dx * (s.stats().perSecond() - my);
      sxx += dx * dx;
    }
    double span = samples.get(n - 1).atSeconds() - samples.get(0).atSeconds();
    return sxx == 0 || my == 0 ? 0 : sxy / sxx * span / my * 100;
  }

  private static double min(List<Sample> samples) {
    return samples.stream().mapToDouble(s -> s.stats().perSecond()).min().orElse(0);
  }

  private static double max(List<Sample> samples) {
    return samples.stream().mapToDouble(s -> s.stats().perSecond()).max().orElse(0);
  }

  private static double mean(List<Sample> samples) {
    double sum = 0;
    for (Sample s : samples) {
      sum += s.stats().perSecond();
    }
    return samples.isEmpty() ? 0 : sum / samples.size();
  }

  private static double p99(List<Sample> samples) {
    LatencySnapshot all = LatencySnapshot.EMPTY;
    for (Sample s : samples) {
      all = all.plus(s.stats().latency());
    }
    return all.quantile(0.99) / 1e6;
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }
}

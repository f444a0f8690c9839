package io.handover.benchmarks;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
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
 * runs 8 s in 1 s intervals after a 2 s warm-up (unless those flags are given). An unknown flag or a
 * bad value exits 2 with the usage; {@code --help} prints it.
 */
public final class SaturationTest {

  static final String NAME = "SaturationTest";

  /** The flags, as JCommander fills them; null means not given. */
  static final class Flags {
    @Parameter(names = "--duration", description = "How long to measure (90, 90s, 10m, 1h); default 10m, or 8s with --smoke",
        converter = CommandLine.DurationConverter.class)
    Duration duration;

    @Parameter(names = "--interval", description = "One row per interval; default duration/20 within 1-30 s, or 1s with --smoke",
        converter = CommandLine.DurationConverter.class)
    Duration interval;

    @Parameter(names = "--warmup", description = "Load before measuring; default 30s, or 2s with --smoke",
        converter = CommandLine.DurationConverter.class)
    Duration warmup;

    @Parameter(names = "--connections", description = "Keep-alive connections")
    int connections = 64;

    @Parameter(names = "--body", description = "small (100 B) or large (64 KiB)")
    String body = "small";

    @Parameter(names = "--mode", description = "The upgrade mode Handover runs in")
    String mode = "INSTANT";

    @Parameter(names = "--target", description = "proxied (through Handover) or direct (to the backend)")
    String target = "proxied";

    @Parameter(names = "--rate", description = "Requests per second in all, paced; 0 for closed loop")
    double rate;

    @Parameter(names = "--io-threads", description = "The proxy's IO threads")
    int ioThreads = 2;

    @Parameter(names = "--max-drift", description = "Fail when the throughput trend is larger, in percent; -1 for no limit")
    double maxDrift = -1;

    @Parameter(names = "--smoke", description = "A short run: 8 s in 1 s intervals after a 2 s warm-up, unless those are given")
    boolean smoke;

    @Parameter(names = "--help", description = "Print this and exit", help = true)
    boolean help;
  }

  /** The command line. */
  record Options(Duration duration, Duration interval, Duration warmup, int connections, String body, String mode,
      String target, double rate, int ioThreads, double maxDriftPercent) {

    /** @throws ParameterException naming the flag, for an unknown flag or a bad value */
    static Options parse(String[] args) {
      Flags f = CommandLine.parse(NAME, new Flags(), args);
      Duration duration = f.duration != null ? f.duration : f.smoke ? Duration.ofSeconds(8) : Duration.ofMinutes(10);
      Duration warmup = f.warmup != null ? f.warmup : f.smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(30);
      Duration interval = f.interval != null ? f.interval : f.smoke ? Duration.ofSeconds(1)
          : Duration.ofSeconds(Math.max(1, Math.min(30, duration.toSeconds() / 20)));
      CommandLine.atLeast("--duration (seconds)", duration.toSeconds(), 1);
      CommandLine.atLeast("--interval (seconds)", interval.toSeconds(), 1);
      CommandLine.atLeast("--connections", f.connections, 1);
      CommandLine.atLeast("--rate", f.rate, 0);
      CommandLine.atLeast("--io-threads", f.ioThreads, 1);
      if (interval.compareTo(duration) > 0) {
        interval = duration;
      }
      if (!f.target.equals("proxied") && !f.target.equals("direct")) {
        throw new ParameterException("--target must be proxied or direct, not " + f.target);
      }
      try {
        BackendServer.pathOf(f.body);
      } catch (IllegalArgumentException e) {
        throw new ParameterException("--body: " + e.getMessage());
      }
      return new Options(duration, interval, warmup, f.connections, f.body, f.mode.toUpperCase(Locale.ROOT), f.target, f.rate,
          f.ioThreads, f.maxDrift);
    }
  }

  /** One interval's figures. */
  record Sample(double atSeconds, LoadClient.Stats stats, long rss, long fds) {}

  private SaturationTest() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(CommandLine.optionsOrExit(NAME, new Flags(), args, Options::parse)));
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

package io.handover.benchmarks;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The update-speed and software-recovery tests (thesis 8.2), under steady load through Handover:
 *
 * <ol>
 *   <li><b>Update</b>: version 1.0 (backend-1) serves; version 2.0 (backend-2) is registered through
 *       the admin API with the given mode. Measured from the moment the {@code PUT} is sent: when
 *       the admin API acknowledged it, when the first response came from 2.0, and when the last one
 *       came from 1.0 (for INSTANT: when the switch was complete), and the errors clients saw.
 *   <li><b>Recovery</b>: backend-2 is killed (SIGKILL, like a crash). Measured from the kill: when the
 *       first response came from 1.0 again, the last from 2.0, the last failed request, and how many
 *       requests failed.
 * </ol>
 *
 * <p>Each backend names itself in an {@code X-Backend} header, and every response and failure is
 * put in a 1 ms timeline. Each round starts fresh processes. Exits 1 when clients saw an error or
 * a switch did not happen within the settle time, so that a run shows whether the promise "no
 * client-visible failure" held.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.handover.benchmarks.UpdateRecoveryTest [--rounds 3]
 * [--mode INSTANT] [--connections 64] [--body small] [--rate 0] [--warmup 3s] [--settle 3s]}. An
 * unknown flag or a bad value exits 2 with the usage; {@code --help} prints it.
 */
public final class UpdateRecoveryTest {

  static final String NAME = "UpdateRecoveryTest";

  /** The flags, as JCommander fills them; null means not given. */
  static final class Flags {
    @Parameter(names = "--rounds", description = "Rounds, each with fresh processes")
    int rounds = 3;

    @Parameter(names = "--mode", description = "The upgrade mode version 2.0 is registered with")
    String mode = "INSTANT";

    @Parameter(names = "--connections", description = "Keep-alive connections")
    int connections = 64;

    @Parameter(names = "--body", description = "small (100 B) or large (64 KiB)")
    String body = "small";

    @Parameter(names = "--rate", description = "Requests per second in all, paced; 0 for closed loop")
    double rate;

    @Parameter(names = "--warmup", description = "Load on version 1.0 alone before the update (90, 90s, 10m, 1h); default 3s",
        converter = CommandLine.DurationConverter.class)
    Duration warmup;

    @Parameter(names = "--settle", description = "How long each phase is watched; default 3s",
        converter = CommandLine.DurationConverter.class)
    Duration settle;

    @Parameter(names = "--help", description = "Print this and exit", help = true)
    boolean help;
  }

  record Options(int rounds, String mode, int connections, String body, double rate, long warmupMillis, long settleMillis) {

    /** @throws ParameterException naming the flag, for an unknown flag or a bad value */
    static Options parse(String[] args) {
      Flags f = CommandLine.parse(NAME, new Flags(), args);
      Duration warmup = f.warmup != null ? f.warmup : Duration.ofSeconds(3);
      Duration settle = f.settle != null ? f.settle : Duration.ofSeconds(3);
      CommandLine.atLeast("--rounds", f.rounds, 1);
      CommandLine.atLeast("--connections", f.connections, 1);
      CommandLine.atLeast("--rate", f.rate, 0);
      CommandLine.atLeast("--settle (seconds)", settle.toSeconds(), 1);
      try {
        BackendServer.pathOf(f.body);
      } catch (IllegalArgumentException e) {
        throw new ParameterException("--body: " + e.getMessage());
      }
      return new Options(f.rounds, f.mode.toUpperCase(Locale.ROOT), f.connections, f.body, f.rate, warmup.toMillis(),
          settle.toMillis());
    }
  }

  /** Responses and failures per millisecond, by which backend answered. */
  static final class Timeline implements LoadClient.Listener {
    final long start;
    final AtomicIntegerArray fromFirst;
    final AtomicIntegerArray fromSecond;
    final AtomicIntegerArray failures;

    Timeline(long start, long millis) {
      this.start = start;
      int n = (int) millis + 1;
      fromFirst = new AtomicIntegerArray(n);
      fromSecond = new AtomicIntegerArray(n);
      failures = new AtomicIntegerArray(n);
    }

    private int slot(long nanoTime) {
      long ms = (nanoTime - start) / 1_000_000;
      return (int) Math.max(0, Math.min(failures.length() - 1, ms));
    }

    @Override
    public void response(long nanoTime, boolean ok, String backend) {
      int i = slot(nanoTime);
      if (!ok) {
        failures.incrementAndGet(i);
      } else if ("backend-1".equals(backend)) {
        fromFirst.incrementAndGet(i);
      } else if ("backend-2".equals(backend)) {
        fromSecond.incrementAndGet(i);
      } else {
        failures.incrementAndGet(i);
      }
    }

    @Override
    public void failure(long nanoTime, LoadClient.ErrorKind kind) {
      failures.incrementAndGet(slot(nanoTime));
    }

    /** The first millisecond in [from, to) with a count in {@code series}, or -1. */
    static int first(AtomicIntegerArray series, int from, int to) {
      for (int i = Math.max(0, from); i < Math.min(to, series.length()); i++) {
        if (series.get(i) > 0) {
          return i;
        }
      }
      return -1;
    }

    /** The last millisecond in [from, to) with a count in {@code series}, or -1. */
    static int last(AtomicIntegerArray series, int from, int to) {
      for (int i = Math.min(to, series.length()) - 1; i >= Math.max(0, from); i--) {
        if (series.get(i) > 0) {
          return i;
        }
      }
      return -1;
    }

    /** The longest run of milliseconds in [from, to) with no successful response. */
    int longestStall(int from, int to) {
      int longest = 0;
      int run = 0;
      for (int i = Math.max(0, from); i < Math.min(to, failures.length()); i++) {
        if (fromFirst.get(i) + fromSecond.get(i) == 0) {
          longest = Math.max(longest, ++run);
        } else {
          run = 0;
        }
      }
      return longest;
    }

    static long sum(AtomicIntegerArray series, int from, int to) {
      long n = 0;
      for (int i = Math.max(0, from); i < Math.min(to, series.length()); i++) {
        n += series.get(i);
      }
      return n;
    }
  }

  /**
   * One round's findings, in milliseconds from the event (-1: did not happen); the stalls are the
   * longest stretch without a successful response after the event.
   */
  record Round(double putAckMs, int firstNewMs, int lastOldMs, long updateErrors, int updateStallMs,
      int firstOldAfterKillMs, int lastNewAfterKillMs, int lastErrorAfterKillMs, long recoveryErrors, int recoveryStallMs) {}

  private UpdateRecoveryTest() {}

  public static void main(String[] args) throws Exception {
    Options o = CommandLine.optionsOrExit(NAME, new Flags(), args, Options::parse);
    System.out.printf(Locale.ROOT, "update and recovery: mode %s, %d connections, %s body, %s, %d rounds%n",
        o.mode(), o.connections(), o.body(), o.rate() > 0 ? String.format(Locale.ROOT, "paced at %.0f req/s", o.rate()) : "closed loop", o.rounds());
    System.out.printf(Locale.ROOT, "%6s | %8s %9s %9s %6s %7s | %9s %9s %9s %6s %7s%n", "round",
        "PUT ack", "first 2.0", "last 1.0", "stall", "errors", "first 1.0", "last 2.0", "last err", "stall", "errors");
    System.out.printf(Locale.ROOT, "%6s | %44s | %44s%n", "", "after PUT of 2.0 (ms)", "after kill of 2.0's backend (ms)");
    List<Round> rounds = new ArrayList<>();
    boolean failed = false;
    for (int r = 1; r <= o.rounds(); r++) {
      Round round = round(o);
      rounds.add(round);
      System.out.printf(Locale.ROOT, "%6d | %8.1f %9s %9s %6d %7d | %9s %9s %9s %6d %7d%n", r, round.putAckMs(), ms(round.firstNewMs()),
          ms(round.lastOldMs()), round.updateStallMs(), round.updateErrors(), ms(round.firstOldAfterKillMs()), ms(round.lastNewAfterKillMs()),
          ms(round.lastErrorAfterKillMs()), round.recoveryStallMs(), round.recoveryErrors());
      failed |= round.updateErrors() > 0 || round.recoveryErrors() > 0 || round.firstNewMs() < 0 || round.firstOldAfterKillMs() < 0;
    }
    System.out.printf(Locale.ROOT, "%6s | %8.1f %9s %9s %6s %7s | %9s %9s %9s %6s %7s%n", "median",
        median(rounds.stream().mapToDouble(Round::putAckMs).toArray()),
        ms((int) median(rounds.stream().mapToDouble(Round::firstNewMs).toArray())),
        ms((int) median(rounds.stream().mapToDouble(Round::lastOldMs).toArray())),
        ms((int) median(rounds.stream().mapToDouble(Round::updateStallMs).toArray())), "",
        ms((int) median(rounds.stream().mapToDouble(Round::firstOldAfterKillMs).toArray())),
        ms((int) median(rounds.stream().mapToDouble(Round::lastNewAfterKillMs).toArray())),
        ms((int) median(rounds.stream().mapToDouble(Round::lastErrorAfterKillMs).toArray())),
        ms((int) median(rounds.stream().mapToDouble(Round::recoveryStallMs).toArray())), "");
    System.out.println("last 1.0 after PUT: for INSTANT, when the switch was complete (requests in flight at the switch included);"
        + " stall: the longest stretch with no successful response; last err: the last request that failed for a client, '-' when none did");
    System.out.println(failed ? "FAILED: clients saw errors, or a switch did not happen within the settle time" : "OK: no client-visible errors");
    System.exit(failed ? 1 : 0);
  }

  private static Round round(Options o) throws InterruptedException {
    String path = BackendServer.pathOf(o.body());
    long total = o.warmupMillis() + 2 * o.settleMillis() + 60_000;
    try (TestBed bed = TestBed.start(new TestBed.Options("proxied", "INSTANT", 2, 2, true))) {
      TestBed.Backend second = bed.addBackend();
      warm(second, path);
      Timeline t = new Timeline(System.nanoTime(), total);
      LoadClient.Options options = LoadClient.Options.closedLoop(bed.address(), path, o.connections(), 2, BackendServer.bodyBytes(path))
          .withRate(o.rate()).withListener(t, "X-Backend");
      try (LoadClient client = new LoadClient(options).start()) {
        Thread.sleep(o.warmupMillis());
        if (client.stats().errorCount() > 0) {
          throw new IllegalStateException("errors before the update, through version 1.0 alone: " + client.lastError());
        }
        bed.listClusters();
        long put = System.nanoTime();
        bed.putCluster(TestBed.clusterJson(second, "2.0", o.mode()));
        long ack = System.nanoTime();
        Thread.sleep(o.settleMillis());
        long kill = System.nanoTime();
        second.process().kill();
        Thread.sleep(o.settleMillis());
        long end = System.nanoTime();
        int p = (int) ((put - t.start) / 1_000_000);
        int k = (int) ((kill - t.start) / 1_000_000);
        int e = (int) ((end - t.start) / 1_000_000);
        int firstNew = Timeline.first(t.fromSecond, p, k);
        int lastOld = Timeline.last(t.fromFirst, p, k);
        int firstOld = Timeline.first(t.fromFirst, k, e);
        int lastNew = Timeline.last(t.fromSecond, k, e);
        int lastErr = Timeline.last(t.failures, k, e);
        return new Round((ack - put) / 1e6, rel(firstNew, p), rel(lastOld, p), Timeline.sum(t.failures, p, k), t.longestStall(p, k),
            rel(firstOld, k), rel(lastNew, k), rel(lastErr, k), Timeline.sum(t.failures, k, e), t.longestStall(k, e));
      }
    }
  }

  /** Sends a few thousand requests straight to a new backend, so its JVM is not cold when it gets traffic. */
  private static void warm(TestBed.Backend backend, String path) throws InterruptedException {
    LoadClient.Options options = LoadClient.Options.closedLoop(new java.net.InetSocketAddress("127.0.0.1", backend.port()), path, 8, 1,
        BackendServer.bodyBytes(path)).withMaxRequests(5_000);
    try (LoadClient client = new LoadClient(options).start()) {
      if (!client.awaitFinished(30, java.util.concurrent.TimeUnit.SECONDS) || client.stats().errorCount() > 0) {
        throw new IllegalStateException("backend-2 did not answer its warm-up: " + client.lastError());
      }
    }
  }

  private static int rel(int at, int from) {
    return at < 0 ? -1 : at - from;
  }

  private static String ms(int v) {
    return v < 0 ? "-" : Integer.toString(v);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}

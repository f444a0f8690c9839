package io.handover.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The load test (thesis 8.2): keep-alive HTTP/1.1 load at a fixed number of connections, straight to
 * a backend ({@code direct}) or through Handover ({@code proxied}) in a given upgrade mode, on a
 * 100-byte or a 64 KiB body. The backend and the proxy run as separate processes.
 *
 * <p>The {@link LoadClient} runs for the whole trial; the benchmark method returns each time
 * {@value #BATCH} more responses have arrived, so JMH's score is responses per second. Latency
 * percentiles, errors and the proxy's memory are printed after each iteration, and for the
 * measurement iterations as a whole appended as one JSON line to {@code load-latency.jsonl} (or
 * {@code -Dhandover.bench.latencyFile=...}), where {@link LoadReport} joins them with JMH's JSON.
 *
 * <p>For {@code direct} the mode means nothing, so only INSTANT runs; other modes fail fast.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class LoadBenchmark {

  static final int BATCH = 500;

  @Param({"direct", "proxied"})
  public String target;

  @Param({"INSTANT"})
  public String mode;

  @Param({"small", "large"})
  public String body;

  @Param({"64", "400"})
  public int connections;

  /** The proxy's {@code ioThreads}. */
  @Param({"2"})
  public int ioThreads;

  /** Selector threads of the load client. */
  @Param({"2"})
  public int clientThreads;

  private TestBed bed;
  private LoadClient client;
  private LoadClient.Stats iterationStart;
  private LoadClient.Stats measured;
  private long maxProxyRss = -1;
  private long maxProxyFds = -1;
  private long maxProxyThreads = -1;

  @Setup(Level.Trial)
  public void startTrial() throws IOException {
    if (target.equals("direct") && !mode.equalsIgnoreCase("INSTANT")) {
      throw new IllegalArgumentException("direct has no mode: skipped (run direct with mode=INSTANT only)");
    }
    bed = TestBed.start(new TestBed.Options(target, mode, ioThreads, 2));
    String path = BackendServer.pathOf(body);
    client = new LoadClient(LoadClient.Options.closedLoop(bed.address(), path, connections, clientThreads, BackendServer.bodyBytes(path)))
        .start();
    measured = null;
  }

  @Setup(Level.Iteration)
  public void startIteration() {
    iterationStart = client.stats();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long requests() {
    return client.awaitCompletions(BATCH);
  }

  @TearDown(Level.Iteration)
  public void endIteration(IterationParams iteration) {
    LoadClient.Stats s = client.stats().minus(iterationStart);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%n  [load] %,.0f req/s  p50 %s  p99 %s  p99.9 %s  max %s  errors %s",
        s.perSecond(), ms(s.latency().quantile(0.5)), ms(s.latency().quantile(0.99)), ms(s.latency().quantile(0.999)),
        ms(s.latency().max()), s.describeErrors()));
    if (s.errorCount() > 0 && client.lastError() != null) {
      line.append(" (last: ").append(client.lastError()).append(')');
    }
    if (bed.proxy() != null) {
      long pid = bed.proxy().pid();
      long rss = ProcStats.rssBytes(pid);
      long fds = ProcStats.openFiles(pid);
      long threads = ProcStats.threads(pid);
      line.append(String.format(Locale.ROOT, "  proxy RSS %s, %d fds, %d threads", ProcStats.mib(rss), fds, threads));
      if (iteration.getType() == IterationType.MEASUREMENT) {
        maxProxyRss = Math.max(maxProxyRss, rss);
        maxProxyFds = Math.max(maxProxyFds, fds);
        maxProxyThreads = Math.max(maxProxyThreads, threads);
      }
    }
    System.out.println(line);
    if (iteration.getType() == IterationType.MEASUREMENT) {
      measured = measured == null ? s : sum(measured, s);
    }
    bed.requireAlive();
  }

  @TearDown(Level.Trial)
  public void endTrial(BenchmarkParams params) {
    try {
      if (measured != null) {
        record(params);
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (bed != null) {
        bed.close();
      }
    }
  }

  private void record(BenchmarkParams params) {
    LoadClient.Stats s = measured;
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("benchmark", params.getBenchmark());
    json.put("finishedAt", System.currentTimeMillis());
    ObjectNode p = json.putObject("params");
    for (String key : params.getParamsKeys()) {
      p.put(key, params.getParam(key));
    }
    json.put("requests", s.completed());
    json.put("requestsPerSecond", s.perSecond());
    json.put("errors", s.errorCount());
    json.put("errorKinds", s.describeErrors());
    json.put("p50Millis", s.latency().quantile(0.5) / 1e6);
    json.put("p90Millis", s.latency().quantile(0.9) / 1e6);
    json.put("p99Millis", s.latency().quantile(0.99) / 1e6);
    json.put("p999Millis", s.latency().quantile(0.999) / 1e6);
    json.put("maxMillis", s.latency().max() / 1e6);
    json.put("meanMillis", s.latency().mean() / 1e6);
    json.put("proxyMaxRssBytes", maxProxyRss);
    json.put("proxyMaxFds", maxProxyFds);
    json.put("proxyMaxThreads", maxProxyThreads);
    Path file = Path.of(System.getProperty("handover.bench.latencyFile", "load-latency.jsonl"));
    try {
      Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    System.out.printf(Locale.ROOT, "%n  [load] measured: %,d responses, %,.0f req/s, p50 %s, p99 %s, p99.9 %s, errors %s -> %s%n",
        s.completed(), s.perSecond(), ms(s.latency().quantile(0.5)), ms(s.latency().quantile(0.99)),
        ms(s.latency().quantile(0.999)), s.describeErrors(), file.toAbsolutePath());
  }

  /** Two intervals side by side, as one: counts add, time adds. */
  private static LoadClient.Stats sum(LoadClient.Stats a, LoadClient.Stats b) {
    long[] e = a.errors().clone();
    for (int i = 0; i < e.length; i++) {
      e[i] += b.errors()[i];
    }
    return new LoadClient.Stats(a.completed() + b.completed(), a.failed() + b.failed(), e, a.bodyBytes() + b.bodyBytes(),
        a.connects() + b.connects(), a.latency().plus(b.latency()), a.nanoTime() + b.nanoTime());
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}

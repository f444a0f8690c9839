package io.handover.benchmarks;

import io.handover.api.VersionInfo;
import io.handover.api.VersionNumber;
import io.handover.api.VersionState;
import io.handover.engine.rollout.Evidence;
import io.handover.engine.rollout.PairedTest;
import io.handover.engine.telemetry.PairedLatencies;
import io.handover.engine.telemetry.StickyClientCounts;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What deciding on evidence costs. On the rollout guard's thread, every 250 ms: the Wilson bound of
 * a failure rate ({@code wilson}, decided; {@code wilsonUndecided}, with the search for the samples
 * still needed) and the paired latency sign test over {@code pairs} pairs ({@code signTest}, with
 * its median and pairs needed). On the request path: recording one pair of latencies ({@code
 * recordPair}) and noting a returning sticky client on an older version ({@code stickyClientSeen}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EvidenceBenchmark {

  @Param({"200", "4096"})
  int pairs;

  private double[] differences;
  private PairedLatencies latencies;
  private StickyClientCounts sticky;
  private VersionInfo older;
  private long client;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    differences = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      differences[i] = random.nextGaussian() * 10 + 18;
    }
    latencies = new PairedLatencies();
    sticky = new StickyClientCounts();
    older = new VersionInfo("v1", VersionNumber.parse("1.0"), "SESSION", VersionState.ACTIVE, 0);
    client = 0x1234_5678_9abc_def0L;
    sticky.seen(older, client);
  }

  @Benchmark
  public Evidence wilson() {
    return Evidence.of(212, 87, 0.2, 0.95, 20);
  }

  @Benchmark
  public Evidence wilsonUndecided() {
    return Evidence.of(60, 3, 0.05, 0.95, 20);
  }

  @Benchmark
  public PairedTest signTest() {
    return PairedTest.of(differences, 20, 0.95, 20);
  }

  @Benchmark
  public void recordPair() {
    latencies.record(12_000_000, 10_000_000);
  }

  @Benchmark
  public void stickyClientSeen() {
    sticky.seen(older, client);
  }
}

package io.handover.benchmarks;

import io.handover.engine.telemetry.EndpointOutcomes;
import io.handover.engine.telemetry.NoiseStats;
import io.handover.engine.telemetry.Outcomes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the request path pays per attempt for outcomes per endpoint: the version's window alone
 * (the cost before), then finding the endpoint among five configured templates and counting it,
 * then the paths-seen table with an id in the path; and the per-request noise sampling decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EndpointOutcomesBenchmark {

  private Outcomes version;
  private EndpointOutcomes templates;
  private EndpointOutcomes seen;
  private NoiseStats noise;

  @Setup
  public void setUp() {
    version = new Outcomes();
    templates = new EndpointOutcomes(List.of("GET /api/cart", "POST /api/cart", "GET /api/item/*", "POST /api/order/*",
        "GET /static/**"), 30);
    seen = new EndpointOutcomes(List.of(), 30);
    noise = new NoiseStats();
  }

  @Benchmark
  public void versionWindowOnly() {
    version.success();
  }

  @Benchmark
  public void templateEndpoint() {
    version.success();
    Outcomes e = templates.of("POST", "/api/order/12345");
    if (e != null) {
      e.success();
    }
  }

  @Benchmark
  public void seenPathWithId() {
    version.success();
    Outcomes e = seen.of("GET", "/api/item/12345");
    if (e != null) {
      e.success();
    }
  }

  @Benchmark
  public boolean noiseSampling() {
    return noise.sampleNext(0.05);
  }
}

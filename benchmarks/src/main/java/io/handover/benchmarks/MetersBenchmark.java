package io.handover.benchmarks;

import com.google.common.base.Ticker;
import io.handover.engine.telemetry.FailureKind;
import io.handover.engine.telemetry.ServerHealth;
import io.handover.engine.telemetry.ServerMeters;
import io.handover.engine.telemetry.VersionMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code /metrics} costs one proxied request: the meters the request path touches for one
 * request answered on the first attempt (a version's in-flight count and completion, a server's
 * in-flight count and answer) and for a failed attempt, with the Prometheus registry ({@code on})
 * and with the no-op meters of {@code "metrics": {"enabled": false}} ({@code off}). Two threads
 * record at once, as two IO threads do. Run with {@code -prof gc} to see that nothing is allocated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class MetersBenchmark {

  @Param({"on", "off"})
  public String metrics;

  private VersionMeters version;
  private ServerMeters server;

  @Setup
  public void setUp() {
    MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (metrics.equals("off")) {
      registry = new SimpleMeterRegistry();
      registry.config().meterFilter(MeterFilter.deny());
    }
    version = new VersionMeters(registry, "2.0");
    ServerHealth health = new ServerHealth(new ServerHealth.Policy(3, 1000, 30_000), Ticker.systemTicker());
    server = new ServerMeters(registry, "2.0", "127.0.0.1:8080", health);
  }

  @Benchmark
  public void answeredRequest() {
    version.started();
    server.started();
    server.ended();
    server.answered(200, 180_000);
    version.completed(200, 250_000);
  }

  @Benchmark
  public void failedAttempt() {
    server.started();
    server.ended();
    server.failed(FailureKind.RESET, 0, 90_000);
    version.failedOver();
  }
}

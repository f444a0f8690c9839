package io.handover.engine.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The series of one server of one version: its answers by status class, its failures by kind, the
 * time to its response heads, the attempts it has in flight, its ejections and whether it may take
 * requests now. Fed by the request path's one recording place; each call is a lock-free add with no
 * allocation. Thread-safe.
 */
public final class ServerMeters implements AutoCloseable {

  private final Meters meters;
  private final Counter[] answers = new Counter[Meters.STATUS_CLASSES.length];
  private final Counter[] failures = new Counter[FailureKind.values().length];
  private final Timer responseTime;
  /** A LongAdder: IO threads add to it side by side without contending for one cache line. */
  private final LongAdder inFlight = new LongAdder();
  private final Tags tags;
  private final MeterRegistry registry;

  public ServerMeters(MeterRegistry registry, String version, String server, ServerHealth health) {
    this.meters = new Meters(registry);
    this.registry = registry;
    this.tags = Tags.of("version", version, "server", server);
    for (int i = 0; i < answers.length; i++) {
      answers[i] = meters.keep(Counter.builder("handover.server.answers").description("Response heads from the server, by status class")
          .tags(tags).tag("class", Meters.STATUS_CLASSES[i]).register(registry));
    }
    for (FailureKind kind : FailureKind.values()) {
      failures[kind.ordinal()] = meters.keep(Counter.builder("handover.server.failures")
          .description("Attempts on the server that gave no answer the client could have, by kind").tags(tags)
          .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).tag("blames_server", String.valueOf(kind.blamesServer())).register(registry));
    }
    responseTime = meters.keep(Timer.builder("handover.server.response.time")
        .description("From sending a request to the server to its response head (or the failure)")
        .tags(tags).serviceLevelObjectives(Meters.LATENCY_BUCKETS).register(registry));
    meters.keep(Gauge.builder("handover.server.in.flight", inFlight, LongAdder::sum)
        .description("Attempts on the server waiting for their response head").tags(tags).register(registry));
    meters.keep(FunctionCounter.builder("handover.server.ejections", health, ServerHealth::totalEjections)
        .description("Times passive health took the server out").tags(tags).register(registry));
    meters.keep(Gauge.builder("handover.server.available", health, h -> h.available() ? 1 : 0)
        .description("1 when the server may take requests (not ejected, passing its health check)").tags(tags).register(registry));
  }

  /** An attempt on the server begins. */
  public void started() {
    inFlight.increment();
  }

  /** An attempt on the server has its response head, failed or was given up. */
  public void ended() {
    inFlight.decrement();
  }

  /** The server answered with {@code status}, {@code nanos} after the attempt began. */
  public void answered(int status, long nanos) {
    answers[Meters.statusClass(status)].increment();
    responseTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The attempt failed; a 5xx counts both as an answer of class 5xx and as a failure. */
  public void failed(FailureKind kind, int status, long nanos) {
    if (status > 0) {
      answers[Meters.statusClass(status)].increment();
    }
    failures[kind.ordinal()].increment();
    responseTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Attempts started and not yet ended. */
  public int inFlight() {
    return inFlight.intValue();
  }

  /**
   * Adds the gauge of the connections open to the server, read from {@code source} when the series
   * is scraped. Called once, as the server's pool is made.
   */
  public <T> void connections(T source, ToDoubleFunction<T> open) {
    meters.keep(Gauge.builder("handover.server.connections", source, open)
        .description("Connections open to the server in the proxy's pools (idle and busy)").tags(tags).register(registry));
  }

  /** Removes the server's series. */
  @Override
  public void close() {
    meters.removeAll();
  }
}

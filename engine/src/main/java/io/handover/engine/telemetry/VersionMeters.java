package io.handover.engine.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request-path series of one version: the requests its strategy routed to it by the status the
 * client got (whichever version answered), how long they took end to end, how many are in flight,
 * and how many failed over to an older version. Each call is a lock-free add with no allocation.
 * Thread-safe.
 */
public final class VersionMeters implements AutoCloseable {

  private final Meters meters;
  private final Counter[] requests = new Counter[Meters.STATUS_CLASSES.length];
  private final Counter failovers;
  private final Timer duration;
  /** A LongAdder: IO threads add to it side by side without contending for one cache line. */
  private final LongAdder inFlight = new LongAdder();

  public VersionMeters(MeterRegistry registry, String version) {
    this.meters = new Meters(registry);
    Tags tags = Tags.of("version", version);
    for (int i = 0; i < requests.length; i++) {
      requests[i] = meters.keep(Counter.builder("handover.requests")
          .description("Requests routed to the version, by the status class the client got").tags(tags)
          .tag("class", Meters.STATUS_CLASSES[i]).register(registry));
    }
    failovers = meters.keep(Counter.builder("handover.failovers")
        .description("Times a request left the version for an older one").tags(tags).register(registry));
    duration = meters.keep(Timer.builder("handover.request.duration")
        .description("From a request's arrival to the end of its response, for requests routed to the version")
        .tags(tags).serviceLevelObjectives(Meters.LATENCY_BUCKETS).register(registry));
    meters.keep(Gauge.builder("handover.requests.in.flight", inFlight, LongAdder::sum)
        .description("Requests routed to the version and not yet answered").tags(tags).register(registry));
  }

  /** A request was routed to the version. */
  public void started() {
    inFlight.increment();
  }

  /** A request routed to the version ended with {@code status}, {@code nanos} after it arrived. */
  public void completed(int status, long nanos) {
    inFlight.decrement();
    requests[Meters.statusClass(status)].increment();
    duration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A request left the version for an older one. */
  public void failedOver() {
    failovers.increment();
  }

  public int inFlight() {
    return inFlight.intValue();
  }

  /** Removes the version's series. */
  @Override
  public void close() {
    meters.removeAll();
  }
}

package io.handover.engine.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The meters one owner (a version, a server) registered, so that they can all be removed when the
 * owner goes. Registration happens off the request path (when a version is created); only the
 * meters themselves are touched per request.
 */
final class Meters {

  /** Latency buckets shared by every histogram, from a fast loopback answer to a slow upstream. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
    Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

  /** Status classes by the hundreds digit; index 0 holds anything out of range. */
  static final String[] STATUS_CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  Meters(MeterRegistry registry) {
    this.registry = registry;
  }

  <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  static int statusClass(int status) {
    int c = status / 100;
    return c >= 1 && c <= 5 ? c : 0;
  }

  void removeAll() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
  }
}

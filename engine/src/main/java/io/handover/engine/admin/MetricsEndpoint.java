package io.handover.engine.admin;

import static java.util.Objects.requireNonNull;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.TransitionHistory;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.telemetry.MirrorStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the Prometheus text of every meter. The request path's series are
 * registered with each version's servers; the series read from a version's own counters (its
 * comparisons, rollbacks, promotions, share and state) are bound here, at the first scrape that
 * sees the version, and removed at the first that no longer does. Runs on admin workers only.
 */
final class MetricsEndpoint {

  private final PrometheusMeterRegistry meters;
  private final VersionRegistry registry;
  private final Map<String, List<Meter>> bound = new HashMap<>();

  MetricsEndpoint(PrometheusMeterRegistry meters, VersionRegistry registry) {
    this.meters = requireNonNull(meters, "meters is null");
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** The series in Prometheus' text format, version 0.0.4. */
  synchronized String scrape() {
    Set<String> seen = new HashSet<>();
    for (LiveVersion v : registry.snapshot().all()) {
      seen.add(v.info().id());
      bound.computeIfAbsent(v.info().id(), id -> bind(v));
    }
    bound.entrySet().removeIf(e -> {
      if (seen.contains(e.getKey())) {
        return false;
      }
      e.getValue().forEach(meters::remove);
      return true;
    });
    return meters.scrape();
  }

  private List<Meter> bind(LiveVersion v) {
    String id = v.info().id();
    Tags tags = Tags.of("version", v.info().version().label());
    MirrorStats mirror = v.mirrorStats();
    TransitionHistory history = v.history();
    List<Meter> list = new ArrayList<>();
    list.add(counter("handover.mirror.matches", "Mirrored requests whose answer matched the older version's", tags, mirror, MirrorStats::matches));
    list.add(counter("handover.mirror.mismatches", "Mirrored requests whose answer differed", tags, mirror, MirrorStats::mismatches));
    list.add(counter("handover.mirror.skipped", "Requests not mirrored or not compared, e.g. a body over maxBodyBytes", tags, mirror, MirrorStats::skipped));
    list.add(counter("handover.mirror.dropped", "Comparisons dropped because the comparison workers were behind", tags, mirror, MirrorStats::dropped));
    list.add(counter("handover.rollbacks", "Rollbacks of the version decided by this instance", tags, history, TransitionHistory::rollbacks));
    list.add(counter("handover.promotions", "Promotions of the version decided by this instance", tags, history, TransitionHistory::promotions));
    list.add(Gauge.builder("handover.traffic.share", registry, r -> {
      LiveVersion now = r.snapshot().get(id);
      return now == null ? Double.NaN : now.strategy().trafficShare().orElse(Double.NaN);
    }).description("The share of new clients the version's strategy sends to it (0 to 1), where the strategy tells")
        .tags(tags).register(meters));
    list.add(Gauge.builder("handover.version.active", registry, r -> {
      LiveVersion now = r.snapshot().get(id);
      return now != null && now.info().isActive() ? 1 : 0;
    }).description("1 while the version is active, 0 when it is rolled back").tags(tags).register(meters));
    return list;
  }

  private <T> Meter counter(String name, String description, Tags tags, T state, ToDoubleFunction<T> count) {
    return FunctionCounter.builder(name, state, count).description(description).tags(tags).register(meters);
  }
}

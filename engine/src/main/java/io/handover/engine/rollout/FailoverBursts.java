package io.handover.engine.rollout;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Server;
import io.handover.engine.registry.Snapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failovers as they come, at most once per interval for each version, with their numbers and
 * causes: {@code version 2.0: 37 more requests failed over to older versions (52 since it was
 * added); its servers' last failures: 10.0.0.6:8080 connection refused (ejected)}. Each request's failover is only counted on the request path; this reads the
 * counts on the rollout guard's thread. Not thread-safe: one caller.
 */
final class FailoverBursts {

  private static final Logger log = LoggerFactory.getLogger(FailoverBursts.class);
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** The count at the last report, and when that was. */
  private record Seen(long failovers, long atNanos) {}

  private final Map<String, Seen> seen = new HashMap<>();

  /** Looks at every version's failovers; logs those that grew, at most once per interval each. */
  void check(Snapshot snapshot, long nowNanos) {
    Map<String, Seen> next = new HashMap<>();
    for (LiveVersion v : snapshot.all()) {
      String id = v.info().id();
      long count = v.outcomes().failovers();
      // a version seen for the first time reports its first failover at once
      Seen last = seen.getOrDefault(id, new Seen(0, nowNanos - INTERVAL_NANOS));
      if (count > last.failovers() && nowNanos - last.atNanos() >= INTERVAL_NANOS) {
        log.warn("version {}: {} more requests failed over to older versions ({} since it was added); its servers' last failures: {}",
            v.info().version().label(), count - last.failovers(), count, causes(v));
        last = new Seen(count, nowNanos);
      }
      next.put(id, last);
    }
    seen.clear();
    seen.putAll(next);
  }

  private static String causes(LiveVersion v) {
    StringJoiner causes = new StringJoiner(", ");
    for (Server s : v.servers().servers()) {
      if (s.health().lastFailure() != null) {
        causes.add(s.address().authority() + " " + s.health().lastFailure().label()
            + (s.health().ejected() ? " (ejected)" : ""));
      }
    }
    return causes.length() == 0 ? "none recorded (no server was available)" : causes.toString();
  }
}

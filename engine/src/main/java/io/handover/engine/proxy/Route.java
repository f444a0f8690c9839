package io.handover.engine.proxy;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.telemetry.FailureKind;
import io.undertow.server.HttpServerExchange;

/**
 * Where one request is going: the snapshot it was routed on and the version it is trying now.
 * Touched only by the exchange's own thread, one step at a time.
 */
final class Route {

  final Snapshot snapshot;
  final Attempts attempts = new Attempts();
  LiveVersion version;
  BackendPool.Backend backend;
  int failovers;

  Route(Snapshot snapshot, LiveVersion version) {
    this.snapshot = snapshot;
    this.version = version;
  }

  /**
   * The next server to try: an untried available one of the current version, else of the next
   * older active version; null when none is left. Marks it as tried.
   */
  BackendPool.Backend nextBackend(AttemptOutcomes outcomes, HttpServerExchange exchange) {
    BackendPool.Backend b;
    while ((b = BackendPool.of(version).choose(attempts)) == null) {
      if (failovers == 0 && attempts.size() == 0) {
        // the chosen version had no server to offer at all (all ejected or failing health
        // checks): that counts against it, or an ejected version would never be rolled back
        outcomes.failure(exchange, version, null, FailureKind.NO_SERVER, System.nanoTime());
      }
      if (!failover()) {
        return null;
      }
    }
    attempts.add(b);
    backend = b;
    return b;
  }

  /** Whether another server (of this or an older version) could still take the request. */
  boolean hasAlternative() {
    for (LiveVersion v = version; v != null; v = snapshot.activeOlderThan(v)) {
      for (BackendPool.Backend b : BackendPool.of(v).servers()) {
        if (!attempts.contains(b) && b.health().available()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Moves to the next older active version; false when there is none. */
  boolean failover() {
    LiveVersion older = snapshot.activeOlderThan(version);
    if (older == null) {
      return false;
    }
    BackendPool.of(version).meters().failedOver();
    version.outcomes().failedOver();
    version = older;
    failovers++;
    return true;
  }
}

package io.handover.engine.proxy;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.undertow.util.AttachmentKey;

/**
 * Where one request is going: the snapshot it was routed on and the version it is trying now.
 * Attached to the exchange; touched only by the exchange's own thread, one step at a time.
 */
final class Route {

  static final AttachmentKey<Route> KEY = AttachmentKey.create(Route.class);

  final Snapshot snapshot;
  LiveVersion version;
  int failovers;

  Route(Snapshot snapshot, LiveVersion version) {
    this.snapshot = snapshot;
    this.version = version;
  }

  /** Moves to the next older active version; false when there is none. */
  boolean failover() {
    LiveVersion older = snapshot.activeOlderThan(version);
    if (older == null) {
      return false;
    }
    version = older;
    failovers++;
    return true;
  }
}

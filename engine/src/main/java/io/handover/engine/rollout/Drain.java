package io.handover.engine.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionPolicies;
import io.handover.engine.telemetry.StickyClientCounts;
import java.time.Instant;
import java.util.Locale;

/**
 * Whether an older version still has sticky clients, for the rollout guard ({@code
 * retireWhenDrained}) and for {@code /status}. An older version is drained once no sticky client
 * was seen on it for the idle time of the newest version's mode (a SESSION's {@code
 * sessionTimeout}: no cookie signed for it is valid any longer), counted from the later of the
 * newest version's stage start and the start of counting, so that a restart never retires a
 * version whose sessions were merely not seen yet. Stateless; any thread.
 *
 * @param clients sticky clients seen on it within the idle time
 * @param capped true: {@code clients} is a lower bound
 * @param lastSeenMillis the last visit of any sticky client, epoch milliseconds; 0 for none
 * @param idleMillis how long it must go without one
 * @param quietForMillis how long it has gone without one, as far as is known
 * @param drained whether none is left
 */
public record Drain(long clients, boolean capped, long lastSeenMillis, long idleMillis, long quietForMillis, boolean drained) {

  /** What is known of {@code older}'s sticky clients while {@code newest} is the newest active version. */
  public static Drain of(LiveVersion newest, LiveVersion older, StickyClientCounts counts, long nowMillis) {
    return of(newest, older, counts, nowMillis, true);
  }

  /**
   * The same; without {@code countClients}, {@code clients} is -1 unless the version is drained
   * (then 0): the last visit of any client decides, and counting each one is left to {@code /status}.
   */
  static Drain of(LiveVersion newest, LiveVersion older, StickyClientCounts counts, long nowMillis, boolean countClients) {
    long idle = VersionPolicies.drainIdleMillis(newest.config().transition());
    StickyClientCounts.Count c = counts.count(older.info().id(), idle, countClients);
    long since = Math.max(c.lastSeenMillis(), Math.max(c.countingSinceMillis(), newest.info().addedAtMillis()));
    long quiet = Math.max(0, nowMillis - since);
    // every visit moves lastSeen, so a version quiet for the idle time has no client seen within it
    boolean drained = quiet >= idle;
    return new Drain(drained ? 0 : c.clients(), c.capped(), c.lastSeenMillis(), idle, quiet, drained);
  }

  /** Why the version is retired, e.g. {@code no sticky client for 5.2 s (idle time 5 s, 0 clients)}. */
  String reason() {
    return String.format(Locale.ROOT, "drained: no sticky client for %.1f s (idle time %s s, %s)", quietForMillis / 1000.0,
        RolloutGuard.plain(idleMillis / 1000.0),
        lastSeenMillis == 0 ? "none seen since counting began" : "the last seen at " + Instant.ofEpochMilli(lastSeenMillis));
  }

  /**
   * Adds {@code "stickyClients"} to the status of each active version older than the newest: how
   * many still use it, when the last was seen, and whether it is (or would be) retired.
   */
  public static void addTo(ObjectNode status, Snapshot snapshot, LiveVersion version, StickyClientCounts counts) {
    LiveVersion newest = snapshot.newestActive();
    if (newest == null || newest == version || !version.info().isActive()) {
      return;
    }
    Drain d = of(newest, version, counts, System.currentTimeMillis());
    ObjectNode node = status.putObject("stickyClients");
    node.put("clients", d.clients()).put("capped", d.capped());
    if (d.lastSeenMillis() > 0) {
      node.put("lastSeen", Instant.ofEpochMilli(d.lastSeenMillis()).toString()).put("lastSeenMillis", d.lastSeenMillis());
    } else {
      node.putNull("lastSeen");
    }
    node.put("idleSeconds", d.idleMillis() / 1000.0).put("quietForSeconds", d.quietForMillis() / 1000.0)
        .put("drained", d.drained()).put("retireWhenDrained", newest.config().policies().retireWhenDrained());
  }
}

package io.handover.engine.telemetry;

import io.handover.api.StickyClients;
import io.handover.api.VersionInfo;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The sticky clients the strategies keep on older versions: per version, each client's last visit,
 * and the last visit of any. On the request path a client noted within the last second is found
 * in a small array cache without allocating; otherwise its time in the map is written (a new client
 * costs one map entry), so each client's time is exact to about two seconds and the last visit of
 * any to the millisecond. A worker sweeps out the clients idle for longer than the window it asks
 * about ({@link #sweep}).
 *
 * <p>Bounded: beyond {@link #MAX_CLIENTS} clients on one version new ones are not kept, only the
 * version's last visit; its count then says it is capped.
 */
public final class StickyClientCounts implements StickyClients {

  /** The most clients kept per version. */
  public static final int MAX_CLIENTS = 100_000;
  private static final long WRITE_EVERY_MILLIS = 1000;

  private final LongSupplier clock;
  private final long startedAtMillis;
  private final ConcurrentHashMap<String, PerVersion> versions = new ConcurrentHashMap<>();

  /** Counts on the wall clock. */
  public StickyClientCounts() {
    this(System::currentTimeMillis);
  }

  /** Counts on {@code clock}, epoch milliseconds. */
  public StickyClientCounts(LongSupplier clock) {
    this.clock = clock;
    this.startedAtMillis = clock.getAsLong();
  }

  /**
   * What is known of one version's sticky clients.
   *
   * @param clients how many were seen within the window
   * @param capped true: more clients came than are kept, so {@code clients} is a lower bound
   * @param lastSeenMillis the last visit of any, epoch milliseconds; 0 for none since counting began
   * @param countingSinceMillis when counting began (the start of this process): a client whose last
   *     visit was before it is not known
   */
  public record Count(long clients, boolean capped, long lastSeenMillis, long countingSinceMillis) {}

  @Override
  public void seen(VersionInfo version, long client) {
    PerVersion v = versions.get(version.id());
    if (v == null) {
      v = versions.computeIfAbsent(version.id(), id -> new PerVersion());
    }
    v.seen(client, clock.getAsLong());
  }

  /** One version's sticky clients seen within the last {@code windowMillis}. */
  public Count count(String versionId, long windowMillis) {
    return count(versionId, windowMillis, true);
  }

  /** The same; without {@code countClients} (which walks every client), {@code clients} is -1. */
  public Count count(String versionId, long windowMillis, boolean countClients) {
    PerVersion v = versions.get(versionId);
    if (v == null) {
      return new Count(0, false, 0, startedAtMillis);
    }
    long since = clock.getAsLong() - windowMillis;
    long n = countClients ? v.clients.values().stream().filter(t -> t.get() >= since).count() : -1;
    return new Count(n, v.capped, v.lastSeen, startedAtMillis);
  }

  /** Forgets the clients of this version idle for longer than {@code windowMillis}. For a worker. */
  public void sweep(String versionId, long windowMillis) {
    PerVersion v = versions.get(versionId);
    if (v != null) {
      long since = clock.getAsLong() - windowMillis;
      v.clients.values().removeIf(t -> t.get() < since);
      if (v.clients.size() < MAX_CLIENTS) {
        v.capped = false;
      }
    }
  }

  /** Forgets every version but these. For a worker. */
  public void retainOnly(Collection<String> versionIds) {
    versions.keySet().retainAll(versionIds);
  }

  private static final class PerVersion {
    /** A direct-mapped cache of the clients noted within the last second: a hit touches no map and allocates nothing. */
    private static final int RECENT_BITS = 12;

    final ConcurrentHashMap<Long, AtomicLong> clients = new ConcurrentHashMap<>();
    final AtomicLongArray recentClient = new AtomicLongArray(1 << RECENT_BITS);
    final AtomicLongArray recentAt = new AtomicLongArray(1 << RECENT_BITS);
    volatile long lastSeen;
    volatile boolean capped;

    void seen(long client, long now) {
      if (now > lastSeen) {
        lastSeen = now;
      }
      int slot = (int) ((client * 0x9E3779B97F4A7C15L) >>> (64 - RECENT_BITS));
      // racing writers may pair one client with another's time; at worst a visit goes to the map again
      if (recentClient.get(slot) == client && now - recentAt.get(slot) < WRITE_EVERY_MILLIS) {
        return;
      }
      recentClient.set(slot, client);
      recentAt.set(slot, now);
      AtomicLong last = clients.get(client);
      if (last == null) {
        if (clients.size() >= MAX_CLIENTS) {
          capped = true;
          return;
        }
        last = clients.computeIfAbsent(client, c -> new AtomicLong(now));
      }
      if (now - last.get() >= WRITE_EVERY_MILLIS) {
        last.set(now);
      }
    }
  }
}

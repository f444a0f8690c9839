package io.handover.api;

/**
 * Where a strategy that keeps clients on a version by a cookie tells the engine which client it
 * just kept on an older version, so that the engine can show how many still use it and retire it
 * once none is left (the cluster's {@code retireWhenDrained}).
 *
 * <p><b>Threads:</b> called on IO threads, concurrently. <b>Blocking:</b> never; the engine only
 * notes the client and the time, without allocating for a client it has seen already.
 */
@FunctionalInterface
public interface StickyClients {

  /** Notes nothing: for engines and tests that do not count. */
  StickyClients NONE = (version, client) -> {};

  /**
   * A client that carries a sticky cookie (or was just given one) was routed to {@code version},
   * an active version older than the newest.
   *
   * @param version the version the client was routed to; not null
   * @param client a stable identity of the client, e.g. the id its cookie carries; the same client
   *     gives the same number on every request
   */
  void seen(VersionInfo version, long client);
}

package io.handover.engine.proxy;

/**
 * How connections to the servers of a version are pooled.
 *
 * @param connectionsPerThread the most connections each IO thread keeps to one server
 * @param maxQueueSize how many requests may wait for a connection when all are busy
 * @param problemServerRetrySeconds how long a server that refused a connection is skipped
 * @param idleTtlMillis how long an idle pooled connection is kept, or -1 for no limit
 * @param ejectAfterFailures how many failures in a row eject a server
 * @param baseEjectionMillis how long a first ejection lasts; each further one doubles it
 * @param maxEjectionMillis the longest an ejection lasts
 */
public record PoolSettings(int connectionsPerThread, int maxQueueSize, int problemServerRetrySeconds, int idleTtlMillis,
    int ejectAfterFailures, long baseEjectionMillis, long maxEjectionMillis) {

  /** Sized for a few hundred concurrent client connections. */
  public static final PoolSettings DEFAULT = new PoolSettings(256, 1024, 10, 60_000, 3, 1_000, 30_000);
}

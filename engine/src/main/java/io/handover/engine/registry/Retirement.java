package io.handover.engine.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes the servers of versions that were removed or replaced once the requests already on them
 * had time to finish. One daemon thread; closing never blocks the caller.
 */
final class Retirement implements AutoCloseable {

  private final long drainMillis;
  private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "handover-pool-closer");
    t.setDaemon(true);
    return t;
  });

  Retirement(long drainMillis) {
    this.drainMillis = drainMillis;
  }

  /** Closes the version's servers after the drain time. */
  void retire(LiveVersion version) {
    closer.schedule(version.servers()::close, drainMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops; servers waiting to be closed are the caller's to close. */
  @Override
  public void close() {
    closer.shutdownNow();
  }
}

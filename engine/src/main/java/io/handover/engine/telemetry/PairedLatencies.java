package io.handover.engine.telemetry;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The latest paired latencies of mirrored requests: for one request answered by both versions, how
 * much longer the candidate took than the older version (negative when it was faster). A ring of
 * the last {@link #CAPACITY} pairs; recording is two array writes and never blocks or allocates.
 */
public final class PairedLatencies {

  /** The most pairs kept. */
  public static final int CAPACITY = 4096;

  private final LongSupplier clock;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLongArray atMillis = new AtomicLongArray(CAPACITY);
  private final AtomicLongArray differenceMicros = new AtomicLongArray(CAPACITY);

  /** Pairs timed by the wall clock. */
  public PairedLatencies() {
    this(System::currentTimeMillis);
  }

  /** Pairs timed by {@code clock}, epoch milliseconds. */
  public PairedLatencies(LongSupplier clock) {
    this.clock = clock;
  }

  /** One request: the candidate took {@code candidateNanos}, the older version {@code olderNanos}. */
  public void record(long candidateNanos, long olderNanos) {
    int i = (int) (next.getAndIncrement() % CAPACITY);
    differenceMicros.set(i, (candidateNanos - olderNanos) / 1000);
    atMillis.set(i, clock.getAsLong());
  }

  /** The differences of the pairs of the last {@code windowSeconds}, in milliseconds, in no order. */
  public double[] window(int windowSeconds) {
    long since = clock.getAsLong() - windowSeconds * 1000L;
    long recorded = Math.min(next.get(), CAPACITY);
    double[] found = new double[(int) recorded];
    int n = 0;
    for (int i = 0; i < recorded; i++) {
      long at = atMillis.get(i);
      if (at != 0 && at >= since) {
        found[n++] = differenceMicros.get(i) / 1000.0;
      }
    }
    return java.util.Arrays.copyOf(found, n);
  }
}

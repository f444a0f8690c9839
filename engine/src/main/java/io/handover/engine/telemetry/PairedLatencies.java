package io.handover.engine.telemetry;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
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
  /** Made at the first pair, so that versions that are never mirrored keep no ring. */
  private final AtomicReference<Ring> ring = new AtomicReference<>();

  private record Ring(AtomicLongArray atMillis, AtomicLongArray differenceMicros) {}

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
    Ring r = ring.get();
    if (r == null) {
      ring.compareAndSet(null, new Ring(new AtomicLongArray(CAPACITY), new AtomicLongArray(CAPACITY)));
      r = ring.get();
    }
    int i = (int) (next.getAndIncrement() % CAPACITY);
    r.differenceMicros().set(i, (candidateNanos - olderNanos) / 1000);
    r.atMillis().set(i, clock.getAsLong());
  }

  /** The differences of the pairs of the last {@code windowSeconds}, in milliseconds, in no order. */
  public double[] window(int windowSeconds) {
    Ring r = ring.get();
    if (r == null) {
      return new double[0];
    }
    long since = clock.getAsLong() - windowSeconds * 1000L;
    long recorded = Math.min(next.get(), CAPACITY);
    double[] found = new double[(int) recorded];
    int n = 0;
    for (int i = 0; i < recorded; i++) {
      long at = r.atMillis().get(i);
      if (at != 0 && at >= since) {
        found[n++] = r.differenceMicros().get(i) / 1000.0;
      }
    }
    return java.util.Arrays.copyOf(found, n);
  }
}

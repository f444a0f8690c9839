package io.handover.benchmarks;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log-linear histogram of nanosecond latencies: exact below 256 ns, then 128 buckets per power of
 * two (under 0.8% relative error), up to about 36 minutes; larger values land in the last bucket.
 *
 * <p>One thread records; any thread may take a {@link #snapshot()} at any time. Counts only grow, so
 * the difference of two snapshots is the histogram of what was recorded between them.
 */
final class LatencyHistogram {

  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS;
  private static final int LINEAR = 2 * SUB;
  private static final int MAX_SHIFT = 33;
  static final int BUCKETS = LINEAR + MAX_SHIFT * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  /** Records one value; only the owning thread may call this. */
  void record(long nanos) {
    int i = index(nanos);
    counts.lazySet(i, counts.get(i) + 1);
  }

  Snapshot snapshot() {
    long[] copy = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = counts.get(i);
    }
    return new Snapshot(copy);
  }

  static int index(long v) {
    if (v < LINEAR) {
      return (int) Math.max(0, v);
    }
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int shift = msb - SUB_BITS;
    if (shift > MAX_SHIFT) {
      return BUCKETS - 1;
    }
    int sub = (int) (v >>> shift);
    return LINEAR + (shift - 1) * SUB + (sub - SUB);
  }

  /** The smallest value that lands in bucket {@code i}. */
  static long lowerBound(int i) {
    if (i < LINEAR) {
      return i;
    }
    int shift = (i - LINEAR) / SUB + 1;
    long sub = (i - LINEAR) % SUB + SUB;
    return sub << shift;
  }

  /** The largest value that lands in bucket {@code i}. */
  static long upperBound(int i) {
    if (i < LINEAR) {
      return i;
    }
    int shift = (i - LINEAR) / SUB + 1;
    long sub = (i - LINEAR) % SUB + SUB;
    return ((sub + 1) << shift) - 1;
  }

  /** An immutable copy of the counts. */
  static final class Snapshot {

    static final Snapshot EMPTY = new Snapshot(new long[BUCKETS]);

    private final long[] counts;
    private final long total;

    Snapshot(long[] counts) {
      this.counts = counts;
      long t = 0;
      for (long c : counts) {
        t += c;
      }
      this.total = t;
    }

    long count() {
      return total;
    }

    Snapshot plus(Snapshot other) {
      long[] sum = counts.clone();
      for (int i = 0; i < BUCKETS; i++) {
        sum[i] += other.counts[i];
      }
      return new Snapshot(sum);
    }

    /** What was recorded after {@code earlier} was taken. */
    Snapshot minus(Snapshot earlier) {
      long[] diff = counts.clone();
      for (int i = 0; i < BUCKETS; i++) {
        diff[i] = Math.max(0, diff[i] - earlier.counts[i]);
      }
      return new Snapshot(diff);
    }

    /**
     * The value at quantile {@code q} (0 to 1): the upper bound of the bucket holding the value of
     * rank ceil(q * count), so the answer errs high by under 0.8%. 0 when empty.
     */
    long quantile(double q) {
      if (total == 0) {
        return 0;
      }
      long rank = Math.max(1, (long) Math.ceil(q * total));
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return upperBound(i);
        }
      }
      return upperBound(BUCKETS - 1);
    }

    long max() {
      for (int i = BUCKETS - 1; i >= 0; i--) {
        if (counts[i] > 0) {
          return upperBound(i);
        }
      }
      return 0;
    }

    /** The mean, taking each bucket at its midpoint. */
    double mean() {
      if (total == 0) {
        return 0;
      }
      double sum = 0;
      for (int i = 0; i < BUCKETS; i++) {
        if (counts[i] > 0) {
          sum += counts[i] * ((lowerBound(i) + upperBound(i)) / 2.0);
        }
      }
      return sum / total;
    }
  }
}

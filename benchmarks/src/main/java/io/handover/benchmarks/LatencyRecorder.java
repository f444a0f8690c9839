package io.handover.benchmarks;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Nanosecond latencies recorded into HdrHistogram with 2 significant digits: 128 sub-buckets per
 * power of two, so a value reads back under 0.8% high; up to an hour, and longer values count as
 * an hour.
 *
 * <p>One thread records, without waiting; any thread may take a {@link #snapshot()} at any time.
 * Snapshots hold everything recorded since the recorder was made, so the difference of two is what
 * was recorded between them.
 */
final class LatencyRecorder {

  static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
  static final int SIGNIFICANT_DIGITS = 2;

  private final SingleWriterRecorder recorder = new SingleWriterRecorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
  private final Histogram total = newHistogram();
  private Histogram interval;

  static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
  }

  /** Records one value; only the owning thread may call this. */
  void record(long nanos) {
    recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  /** Everything recorded so far. */
  synchronized LatencySnapshot snapshot() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return LatencySnapshot.copyOf(total);
  }
}

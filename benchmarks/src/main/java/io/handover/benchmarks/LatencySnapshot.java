package io.handover.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * An immutable copy of a {@link LatencyRecorder}'s histogram, in nanoseconds. Quantiles and the
 * maximum are the highest value of the bucket they fall in, so they err high by under 0.8%.
 */
final class LatencySnapshot {

  static final LatencySnapshot EMPTY = new LatencySnapshot(LatencyRecorder.newHistogram());

  /** Never changed after construction: every operation works on a copy. */
  private final Histogram histogram;

  private LatencySnapshot(Histogram histogram) {
    this.histogram = histogram;
  }

  static LatencySnapshot copyOf(Histogram histogram) {
    return new LatencySnapshot(histogram.copy());
  }

  long count() {
    return histogram.getTotalCount();
  }

  /** The value at quantile {@code q} (0 to 1); 0 when empty. */
  long quantile(double q) {
    return count() == 0 ? 0 : histogram.getValueAtPercentile(q * 100);
  }

  long max() {
    return count() == 0 ? 0 : histogram.getMaxValue();
  }

  double mean() {
    return count() == 0 ? 0 : histogram.getMean();
  }

  /** How many values are at least {@code nanos} (to the histogram's resolution). */
  long countAtLeast(long nanos) {
    return count() == 0 ? 0 : histogram.getCountBetweenValues(nanos, LatencyRecorder.HIGHEST_NANOS);
  }

  LatencySnapshot plus(LatencySnapshot other) {
    Histogram sum = histogram.copy();
    sum.add(other.histogram);
    return new LatencySnapshot(sum);
  }

  /** What was recorded after {@code earlier} was taken from the same recorder. */
  LatencySnapshot minus(LatencySnapshot earlier) {
    Histogram diff = histogram.copy();
    diff.subtract(earlier.histogram);
    return new LatencySnapshot(diff);
  }
}

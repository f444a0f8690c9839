package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void bucketsCoverEveryValueWithSmallRelativeError() {
    Random r = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      long v = (long) Math.exp(r.nextDouble() * 28);
      int b = LatencyHistogram.index(v);
      assertThat(LatencyHistogram.lowerBound(b)).isLessThanOrEqualTo(v);
      assertThat(LatencyHistogram.upperBound(b)).isGreaterThanOrEqualTo(v);
      assertThat((double) LatencyHistogram.upperBound(b) - v).isLessThanOrEqualTo(v / 128.0 + 1);
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void quantilesMatchSortedValues() {
    LatencyHistogram h = new LatencyHistogram();
    Random r = new Random(2);
    long[] values = new long[50_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 50_000 + (long) (r.nextGaussian() * 10_000 + (r.nextInt(100) == 0 ? 5_000_000 : 0));
      h.record(values[i]);
    }
    Arrays.sort(values);
    LatencyHistogram.Snapshot s = h.snapshot();
    assertThat(s.count()).isEqualTo(values.length);
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat((double) s.quantile(q)).isCloseTo(exact, within(exact / 100.0));
    }
  }

  @Test
  void differencesHoldOnlyLaterValues() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(1_000);
    LatencyHistogram.Snapshot before = h.snapshot();
    h.record(9_000_000);
    LatencyHistogram.Snapshot after = h.snapshot().minus(before);
    assertThat(after.count()).isEqualTo(1);
    assertThat((double) after.quantile(0.5)).isCloseTo(9_000_000, within(9_000_000 / 100.0));
  }
}

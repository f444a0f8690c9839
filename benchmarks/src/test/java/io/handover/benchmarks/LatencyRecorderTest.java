package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  void everyValueReadsBackWithSmallRelativeError() {
    Random r = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      long v = (long) Math.exp(r.nextDouble() * 28);
      LatencyRecorder h = new LatencyRecorder();
      h.record(v);
      LatencySnapshot s = h.snapshot();
      assertThat(s.count()).isEqualTo(1);
      assertThat(s.max()).isGreaterThanOrEqualTo(v);
      assertThat((double) s.max() - v).isLessThanOrEqualTo(v / 128.0 + 1);
      assertThat(s.quantile(0.5)).isEqualTo(s.max());
      assertThat(s.countAtLeast(v)).isEqualTo(1);
    }
    LatencyRecorder h = new LatencyRecorder();
    h.record(Long.MAX_VALUE);
    LatencySnapshot s = h.snapshot();
    assertThat(s.count()).isEqualTo(1);
    assertThat(s.max()).isGreaterThanOrEqualTo(LatencyRecorder.HIGHEST_NANOS)
        .isLessThanOrEqualTo(LatencyRecorder.HIGHEST_NANOS + LatencyRecorder.HIGHEST_NANOS / 128);
  }

  @Test
  void quantilesMatchSortedValues() {
    LatencyRecorder h = new LatencyRecorder();
    Random r = new Random(2);
    long[] values = new long[50_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 50_000 + (long) (r.nextGaussian() * 10_000 + (r.nextInt(100) == 0 ? 5_000_000 : 0));
      h.record(values[i]);
    }
    Arrays.sort(values);
    LatencySnapshot s = h.snapshot();
    assertThat(s.count()).isEqualTo(values.length);
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat((double) s.quantile(q)).isCloseTo(exact, within(exact / 100.0));
    }
    assertThat((double) s.max()).isCloseTo(values[values.length - 1], within(values[values.length - 1] / 100.0));
    assertThat(s.countAtLeast(1_000_000)).isEqualTo(Arrays.stream(values).filter(v -> v >= 1_000_000).count());
  }

  @Test
  void differencesHoldOnlyLaterValues() {
    LatencyRecorder h = new LatencyRecorder();
    h.record(1_000);
    LatencySnapshot before = h.snapshot();
    h.record(9_000_000);
    LatencySnapshot after = h.snapshot().minus(before);
    assertThat(after.count()).isEqualTo(1);
    assertThat((double) after.quantile(0.5)).isCloseTo(9_000_000, within(9_000_000 / 100.0));
    assertThat(before.count()).as("a snapshot does not change afterwards").isEqualTo(1);
    assertThat(before.plus(after).count()).isEqualTo(2);
  }

  @Test
  void snapshotsTakenWhileRecordingLoseNothing() {
    LatencyRecorder h = new LatencyRecorder();
    int n = 1_000_000;
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < n; i++) {
        h.record(1_000 + i % 1_000);
      }
    });
    long seen = 0;
    while (!writer.isDone()) {
      long count = h.snapshot().count();
      assertThat(count).isGreaterThanOrEqualTo(seen);
      seen = count;
    }
    writer.join();
    assertThat(h.snapshot().count()).isEqualTo(n);
  }

  @Test
  void anEmptySnapshotReadsZero() {
    LatencySnapshot s = new LatencyRecorder().snapshot();
    assertThat(s.count()).isZero();
    assertThat(s.quantile(0.99)).isZero();
    assertThat(s.max()).isZero();
    assertThat(s.mean()).isZero();
    assertThat(LatencySnapshot.EMPTY.plus(s).count()).isZero();
  }
}

package io.handover.comparators;

import io.handover.api.ComparisonResult;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * {@code latency}: the candidate matches when it is not much slower than the target, that is when
 * {@code candidate ≤ target × factor + slackMillis}, using {@link ResponseSummary#latencyNanos()}.
 *
 * <p>Settings: {@code factor} (a number greater than 0 and at most 1000, default 2.0) and
 * {@code slackMillis} (a whole number of milliseconds from 0 to 3600000, default 50). The slack
 * keeps very fast responses from failing over a millisecond of jitter.
 *
 * <p>Comparators are immutable and thread-safe; they are called concurrently on worker threads and
 * do no blocking work.
 */
public final class LatencyComparatorFactory implements ResponseComparatorFactory {

  static final String FACTOR = "factor";
  static final String SLACK_MILLIS = "slackMillis";
  static final double DEFAULT_FACTOR = 2.0;
  static final long DEFAULT_SLACK_MILLIS = 50;
  static final double MAX_FACTOR = 1000;
  static final long MAX_SLACK_MILLIS = 3_600_000;

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public String description() {
    return "Candidate latency at most target latency × factor + slackMillis (defaults 2.0 and 50 ms).";
  }

  @Override
  public ResponseComparator create(Settings settings) {
    Checks.rejectUnknownSettings(settings, name(), List.of(FACTOR, SLACK_MILLIS));
    double factor = settings.number(FACTOR, DEFAULT_FACTOR, 0, true, MAX_FACTOR);
    long slackMillis = settings.whole(SLACK_MILLIS, DEFAULT_SLACK_MILLIS, 0, MAX_SLACK_MILLIS);
    return new LatencyComparator(factor, slackMillis);
  }

  private record LatencyComparator(double factor, long slackMillis) implements ResponseComparator {

    @Override
    public ComparisonResult compare(ResponseSummary target, ResponseSummary candidate) {
      String unusable = Checks.unusable(target, candidate);
      if (unusable != null) {
        return ComparisonResult.differs(unusable);
      }
      long old = target.latencyNanos();
      long now = candidate.latencyNanos();
      if (old < 0 || now < 0) {
        return ComparisonResult.differs("latency not measured: " + old + " ns vs " + now + " ns");
      }
      // Doubles are exact for latencies below about 104 days and cannot overflow here.
      double limit = old * factor + slackMillis * 1e6;
      if (now <= limit) {
        return ComparisonResult.match();
      }
      return ComparisonResult.differs(String.format(Locale.ROOT,
          "latency %s vs %s, over the limit of %s (target × %s + %d ms)",
          millis(old), millis(now), millis(limit), plain(factor), slackMillis));
    }

    private static String millis(double nanos) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static String plain(double d) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
  }
}

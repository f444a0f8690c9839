package io.handover.engine.rollout;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * What the paired latencies of mirrored requests say about "the candidate is slower than the older
 * version by more than {@code thresholdMillis}", by a one-sided sign test on each request's
 * difference (candidate minus older): a pair is {@code slower} when its difference is above the
 * threshold, {@code faster} when below, and left out when equal. Under "the median difference is the
 * threshold" either count is binomial with p = ½, so {@code pSlower} (of at least {@code slower}
 * slower pairs) below 1 − confidence says the candidate is slower by more than the threshold, and
 * {@code pNotSlower} below it says it is not. Built by the pure function {@link #of}; immutable.
 *
 * @param pairs the pairs observed, ties included
 * @param slower pairs whose difference is above the threshold
 * @param faster pairs whose difference is below it
 * @param medianMillis the median difference; 0 without pairs
 * @param thresholdMillis the largest slow-down accepted
 * @param confidence the confidence level, e.g. 0.95
 * @param minPairs the fewest pairs a verdict other than {@link Verdict#TOO_FEW} needs
 * @param pSlower the one-sided p-value of "slower by more than the threshold"
 * @param pNotSlower the one-sided p-value of "not slower by more than the threshold"
 * @param pairsNeeded how many more pairs, split as now, would give {@link Verdict#SLOWER} or {@link
 *     Verdict#NOT_SLOWER}; 0 once there is one, -1 when no number would (as many slower as faster)
 * @param verdict what the pairs say
 */
public record PairedTest(long pairs, long slower, long faster, double medianMillis, double thresholdMillis, double confidence,
    long minPairs, double pSlower, double pNotSlower, long pairsNeeded, Verdict verdict) {

  /** What the pairs say. */
  public enum Verdict {
    /** Fewer pairs than the minimum. */
    TOO_FEW,
    /** Neither p-value is below 1 − confidence yet. */
    UNDECIDED,
    /** The candidate is slower by more than the threshold. */
    SLOWER,
    /** The candidate is not slower by more than the threshold. */
    NOT_SLOWER
  }

  /** Beyond this many pairs the estimate gives up. */
  private static final long MAX_PAIRS = 10_000_000;

  /**
   * Judges the differences, in milliseconds, against {@code thresholdMillis}.
   *
   * @param confidence from 0.5 to less than 1
   */
  public static PairedTest of(double[] differencesMillis, double thresholdMillis, double confidence, long minPairs) {
    if (!(confidence >= 0.5 && confidence < 1) || minPairs < 0 || !(thresholdMillis >= 0)) {
      throw new IllegalArgumentException("threshold " + thresholdMillis + ", confidence " + confidence + ", minPairs " + minPairs);
    }
    long slower = 0;
    long faster = 0;
    for (double d : differencesMillis) {
      if (d > thresholdMillis) {
        slower++;
      } else if (d < thresholdMillis) {
        faster++;
      }
    }
    long pairs = differencesMillis.length;
    double alpha = 1 - confidence;
    double pSlower = atLeast(slower, slower + faster);
    double pNotSlower = atLeast(faster, slower + faster);
    Verdict verdict = pairs < minPairs ? Verdict.TOO_FEW
        : pSlower < alpha ? Verdict.SLOWER : pNotSlower < alpha ? Verdict.NOT_SLOWER : Verdict.UNDECIDED;
    long needed = verdict == Verdict.SLOWER || verdict == Verdict.NOT_SLOWER ? 0
        : needed(slower, faster, pairs, minPairs, alpha);
    return new PairedTest(pairs, slower, faster, median(differencesMillis), thresholdMillis, confidence, minPairs, pSlower,
        pNotSlower, needed, verdict);
  }

  /** P(X >= k) for X ~ Binomial(n, 1/2); 1 without pairs. */
  static double atLeast(long k, long n) {
    if (n == 0 || k == 0) {
      return 1;
    }
    // no random generator: none is drawn from, and making one costs more than the test
    return 1 - new BinomialDistribution(null, (int) n, 0.5).cumulativeProbability((int) k - 1);
  }

  /**
   * The fewest more pairs after which pairs split as now would decide (and the minimum is met); -1
   * when none would. The p-value of a fixed split falls as the pairs grow, so a doubling search then
   * a bisection finds it.
   */
  private static long needed(long slower, long faster, long pairs, long minPairs, double alpha) {
    long toMinimum = Math.max(0, minPairs - pairs);
    long n = slower + faster;
    if (n == 0) {
      return toMinimum > 0 ? toMinimum : -1;
    }
    if (slower == faster) {
      return -1;
    }
    double share = (double) Math.max(slower, faster) / n;
    long m = Math.max(n, 1);
    while (!decisive(share, m, alpha)) {
      if (m > MAX_PAIRS) {
        return -1;
      }
      m *= 2;
    }
    long low = Math.max(n, m / 2);
    long high = m;
    if (decisive(share, low, alpha)) {
      high = low;
    }
    while (high - low > 1) {
      long mid = (low + high) / 2;
      if (decisive(share, mid, alpha)) {
        high = mid;
      } else {
        low = mid;
      }
    }
    // the ties seen so far are taken to go on in the same proportion
    long withTies = (long) Math.ceil(high * (double) pairs / n);
    return Math.max(toMinimum, withTies - pairs);
  }

  private static boolean decisive(double share, long m, double alpha) {
    return atLeast((long) Math.ceil(share * m), m) < alpha;
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * The numbers behind the verdict, e.g. {@code 41 of 50 paired requests slower by more than 20 ms
   * (median +35.2 ms): sign test p = 0.0001 < 0.05}.
   */
  String numbers() {
    boolean slow = verdict == Verdict.SLOWER || verdict != Verdict.NOT_SLOWER && slower >= faster;
    String ms = RolloutGuard.plain(thresholdMillis) + " ms";
    return String.format(Locale.ROOT, "%d of %d paired requests %s (median %+.1f ms): sign test p = %s %s %s", slow ? slower : faster,
        pairs, slow ? "slower by more than " + ms : "not slower by more than " + ms, medianMillis, p(slow ? pSlower : pNotSlower),
        (slow ? pSlower : pNotSlower) < 1 - confidence ? "<" : ">=", RolloutGuard.plain(Math.round((1 - confidence) * 1e6) / 1e6));
  }

  private static String p(double p) {
    return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }
}

package io.handover.engine.rollout;

import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * What a failure rate observed over {@code samples} requests says about a threshold, with a Wilson
 * score interval at a confidence level: the true rate is above the threshold when the interval's
 * lower bound is, below it when the upper bound is, and not known yet while the interval holds it.
 * Built by the pure function {@link #of}; immutable.
 *
 * <p>A threshold of 0 is judged exactly (no interval ever lies below 0): the rate is below it
 * once there are enough samples and none failed, above it at the first failure.
 *
 * @param samples the requests observed
 * @param failures how many of them failed (or mismatched, where mismatches count)
 * @param rate failures over samples; 0 without samples
 * @param lower the Wilson lower bound of the rate (0 without samples)
 * @param upper the Wilson upper bound of the rate (1 without samples)
 * @param threshold the rate judged against
 * @param confidence the confidence level of the interval, e.g. 0.95
 * @param minSamples the fewest samples a verdict other than {@link Verdict#TOO_FEW} needs
 * @param samplesNeeded how many more requests, failing at the current rate (0 when there are no
 *     samples yet), would give a verdict of {@link Verdict#ABOVE} or {@link Verdict#BELOW}; 0 once
 *     there is one, -1 when no number would (the rate sits on the threshold)
 * @param verdict what the samples say
 */
public record Evidence(long samples, long failures, double rate, double lower, double upper, double threshold, double confidence,
    long minSamples, long samplesNeeded, Verdict verdict) {

  /** What the samples say about the threshold. */
  public enum Verdict {
    /** Fewer samples than the minimum: no verdict, whatever the interval. */
    TOO_FEW,
    /** The interval holds the threshold: more samples are needed. */
    UNDECIDED,
    /** The rate is above the threshold: the interval's lower bound is. */
    ABOVE,
    /** The rate is below the threshold: the interval's upper bound is. */
    BELOW
  }

  /** Beyond this many samples the estimate gives up: the rate is too close to the threshold. */
  private static final double MAX_SAMPLES = 1e15;
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  /**
   * Judges {@code failures} of {@code samples} against {@code threshold}.
   *
   * @param threshold from 0 to 1
   * @param confidence greater than 0 and less than 1, e.g. 0.95
   * @param minSamples at least 0
   */
  public static Evidence of(long samples, long failures, double threshold, double confidence, long minSamples) {
    if (samples < 0 || failures < 0 || failures > samples) {
      throw new IllegalArgumentException("need 0 <= failures <= samples, not " + failures + " of " + samples);
    }
    if (!(threshold >= 0 && threshold <= 1) || !(confidence > 0 && confidence < 1) || minSamples < 0) {
      throw new IllegalArgumentException("threshold " + threshold + ", confidence " + confidence + ", minSamples " + minSamples);
    }
    double z = z(confidence);
    double rate = samples == 0 ? 0 : (double) failures / samples;
    double lower = samples == 0 ? 0 : lower(rate, samples, z);
    double upper = samples == 0 ? 1 : upper(rate, samples, z);
    Verdict bound = threshold == 0 ? (failures > 0 ? Verdict.ABOVE : samples > 0 ? Verdict.BELOW : Verdict.UNDECIDED)
        : lower > threshold ? Verdict.ABOVE : upper < threshold ? Verdict.BELOW : Verdict.UNDECIDED;
    Verdict verdict = samples < minSamples ? Verdict.TOO_FEW : bound;
    long needed;
    if (verdict == Verdict.ABOVE || verdict == Verdict.BELOW) {
      needed = 0;
    } else if (threshold == 0) {
      needed = failures > 0 ? minSamples - samples : Math.max(minSamples - samples, samples == 0 ? 1 : 0);
    } else {
      needed = samplesNeeded(rate, samples, Math.max(samples, minSamples), threshold, z);
    }
    return new Evidence(samples, failures, rate, lower, upper, threshold, confidence, minSamples, needed, verdict);
  }

  /** The standard normal quantile of a two-sided interval at this confidence, e.g. 1.96 for 0.95. */
  static double z(double confidence) {
    return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
  }

  static double lower(double p, double n, double z) {
    return Math.max(0, center(p, n, z) - halfWidth(p, n, z));
  }

  static double upper(double p, double n, double z) {
    return Math.min(1, center(p, n, z) + halfWidth(p, n, z));
  }

  private static double center(double p, double n, double z) {
    return (p + z * z / (2 * n)) / (1 + z * z / n);
  }

  private static double halfWidth(double p, double n, double z) {
    return z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  }

  /**
   * The fewest more samples after which a rate of {@code p} would be decisive, given that at least
   * {@code from} samples are needed in all; -1 when none would. The Wilson bounds tighten as the
   * samples grow, so a doubling search then a bisection finds it.
   */
  private static long samplesNeeded(double p, long samples, long from, double threshold, double z) {
    if (p == threshold) {
      return -1;
    }
    boolean above = p > threshold;
    double n = Math.max(1, from);
    while (!decisive(above, p, n, threshold, z)) {
      if (n > MAX_SAMPLES) {
        return -1;
      }
      n *= 2;
    }
    double low = Math.max(from, n / 2);
    if (decisive(above, p, low, threshold, z)) {
      return Math.max(0, (long) Math.ceil(low) - samples);
    }
    double high = n;
    while (high - low > 1) {
      double mid = Math.floor((low + high) / 2);
      if (decisive(above, p, mid, threshold, z)) {
        high = mid;
      } else {
        low = mid;
      }
    }
    return (long) high - samples;
  }

  private static boolean decisive(boolean above, double p, double n, double threshold, double z) {
    return above ? lower(p, n, z) > threshold : upper(p, n, z) < threshold;
  }

  /**
   * The numbers behind a verdict for a reason or a log line, e.g. {@code Wilson lower bound 0.7225 >
   * 0.5 at 95% confidence}.
   */
  String bounds() {
    String level = RolloutGuard.plain(confidence * 100) + "% confidence";
    return switch (verdict) {
      case ABOVE -> "Wilson lower bound " + four(lower) + " > " + RolloutGuard.plain(threshold) + " at " + level;
      case BELOW -> "Wilson upper bound " + four(upper) + " < " + RolloutGuard.plain(threshold) + " at " + level;
      default -> "Wilson interval " + four(lower) + " to " + four(upper) + " holds " + RolloutGuard.plain(threshold) + " at " + level;
    };
  }

  private static String four(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
  }
}

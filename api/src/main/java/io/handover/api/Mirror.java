package io.handover.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Asks the engine to send a request to a second version as well and compare the two responses.
 * The engine serves the candidate's response only when every comparator says the two match;
 * otherwise it serves the target's.
 *
 * <p>Immutable. Usually built once per version when the strategy is created and reused.
 *
 * @param candidate the version whose response is checked against the target's; not null
 * @param comparators the comparators to apply, all of which must match; not null, may be empty
 *     (then any two successful responses match)
 * @param timeout how long to wait for either response once the other has arrived; not null
 * @param maxBodyBytes the largest request body that is mirrored, and the largest response body
 *     that is compared in full
 * @param mirrorMethods the methods that are mirrored, upper case; others go to the target only
 * @param noiseSampleRate the share of mirrored requests, from 0 to 1, that also go to a second
 *     server of the target version when it has one, to learn where two servers of the same version
 *     differ (noise); sampled deterministically (every {@code 1/rate}-th request)
 * @param learnNoise whether the learned noise is left out of the comparison
 */
public record Mirror(
    VersionInfo candidate,
    List<ResponseComparator> comparators,
    Duration timeout,
    long maxBodyBytes,
    List<String> mirrorMethods,
    double noiseSampleRate,
    boolean learnNoise) {

  /** The share of requests sampled for noise when none is given. */
  public static final double DEFAULT_NOISE_SAMPLE_RATE = 0.05;

  public Mirror {
    requireNonNull(candidate, "candidate is null");
    comparators = List.copyOf(comparators);
    requireNonNull(timeout, "timeout is null");
    mirrorMethods = List.copyOf(mirrorMethods);
    if (!(noiseSampleRate >= 0 && noiseSampleRate <= 1)) {
      throw new IllegalArgumentException("noiseSampleRate must be from 0 to 1: " + noiseSampleRate);
    }
  }

  /** A mirror that samples noise at the default rate and does not leave it out. */
  public Mirror(VersionInfo candidate, List<ResponseComparator> comparators, Duration timeout, long maxBodyBytes,
      List<String> mirrorMethods) {
    this(candidate, comparators, timeout, maxBodyBytes, mirrorMethods, DEFAULT_NOISE_SAMPLE_RATE, false);
  }
}

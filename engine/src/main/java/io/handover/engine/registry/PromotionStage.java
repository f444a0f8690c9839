package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.Settings;

/**
 * One step of a version's promotion: when {@code when} holds, its {@code upgradeTransition} becomes
 * {@code to}.
 *
 * @param when what must hold, every given condition at once
 * @param to the next upgradeTransition, {@code mode} included and upper-cased
 */
public record PromotionStage(Condition when, Settings to) {

  public PromotionStage {
    requireNonNull(when, "when is null");
    requireNonNull(to, "to is null");
  }

  /** The next stage's mode, e.g. {@code GRADUAL}. */
  public String mode() {
    return to.string("mode").orElse("INSTANT");
  }

  /**
   * The conditions of a stage; a null component is not a condition. At least one is given.
   *
   * @param consecutiveMatches mirrored requests in a row whose answers matched the older version's
   * @param rampComplete true: the strategy reports a {@code share} of 100
   * @param afterSeconds seconds since the current stage began (the version was added or last promoted)
   * @param minRequests requests over the rollback window
   * @param maxFailureRate the most failures (and mismatches, when the rollback policy counts them)
   *     per request over the rollback window; given only together with {@code minRequests}
   */
  public record Condition(Long consecutiveMatches, Boolean rampComplete, Long afterSeconds, Long minRequests, Double maxFailureRate) {

    public Condition {
      if (consecutiveMatches == null && rampComplete == null && afterSeconds == null && minRequests == null && maxFailureRate == null) {
        throw new IllegalArgumentException("a promotion stage needs at least one condition");
      }
    }
  }
}

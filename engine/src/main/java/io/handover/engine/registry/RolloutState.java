package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.VersionState;

/**
 * Where a version stands in its rollout; saved with it so that a restart keeps it.
 *
 * @param state whether it takes traffic
 * @param reason why it was rolled back, or null
 * @param promotionStage how many promotion stages it has passed; the next one to judge is
 *     {@code promote[promotionStage]}
 * @param paused true: an operator paused (or aborted) the rollout; automatic promotion holds until
 *     it is resumed. Automatic rollback still watches a paused version.
 */
public record RolloutState(VersionState state, String reason, int promotionStage, boolean paused) {

  public static final RolloutState INITIAL = new RolloutState(VersionState.ACTIVE, null, 0, false);

  /** A rollout that is not paused. */
  public RolloutState(VersionState state, String reason, int promotionStage) {
    this(state, reason, promotionStage, false);
  }

  public RolloutState {
    requireNonNull(state, "state is null");
    if (promotionStage < 0) {
      throw new IllegalArgumentException("promotionStage is negative");
    }
  }

  /** The same with {@code paused} set. */
  public RolloutState withPaused(boolean paused) {
    return new RolloutState(state, reason, promotionStage, paused);
  }
}

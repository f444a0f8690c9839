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
 */
public record RolloutState(VersionState state, String reason, int promotionStage) {

  public static final RolloutState INITIAL = new RolloutState(VersionState.ACTIVE, null, 0);

  public RolloutState {
    requireNonNull(state, "state is null");
    if (promotionStage < 0) {
      throw new IllegalArgumentException("promotionStage is negative");
    }
  }
}

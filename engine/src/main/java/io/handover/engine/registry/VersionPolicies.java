package io.handover.engine.registry;

import java.util.List;

/**
 * What an operator asked of a version beyond its servers and transition: an active health check,
 * when to roll it back, and how to promote it.
 *
 * @param healthCheck the active health check, or null for none
 * @param rollback the rollback policy as given, or null when none was given (then
 *     {@link RollbackPolicy#DEFAULT} applies)
 * @param promote the promotion stages, in order; empty for none
 */
public record VersionPolicies(HealthCheck healthCheck, RollbackPolicy rollback, List<PromotionStage> promote) {

  public static final VersionPolicies NONE = new VersionPolicies(null, null, List.of());

  public VersionPolicies {
    promote = List.copyOf(promote);
  }

  /** The rollback policy in force: the given one, else the default. */
  public RollbackPolicy rollbackInForce() {
    return rollback == null ? RollbackPolicy.DEFAULT : rollback;
  }
}

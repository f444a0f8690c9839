package io.handover.engine.registry;

import io.handover.api.Settings;
import java.util.List;

/**
 * What an operator asked of a version beyond its servers and transition: an active health check,
 * when to roll it back, and how to promote it.
 *
 * @param healthCheck the active health check, or null for none
 * @param rollback the rollback policy as given, or null when none was given (then
 *     {@link RollbackPolicy#DEFAULT} applies)
 * @param promote the promotion stages, in order; empty for none
 * @param retireWhenDrained true: while this is the newest active version, each older active one is
 *     retired ({@link io.handover.api.VersionState#RETIRED}) once no sticky client has used it for
 *     {@link #drainIdleMillis}
 */
public record VersionPolicies(HealthCheck healthCheck, RollbackPolicy rollback, List<PromotionStage> promote,
    boolean retireWhenDrained) {

  public static final VersionPolicies NONE = new VersionPolicies(null, null, List.of());

  /** How long an older version must go without a sticky client when the mode has no session timeout. */
  public static final long DEFAULT_DRAIN_IDLE_MILLIS = 60_000;

  public VersionPolicies {
    promote = List.copyOf(promote);
  }

  /** Policies that retire nothing. */
  public VersionPolicies(HealthCheck healthCheck, RollbackPolicy rollback, List<PromotionStage> promote) {
    this(healthCheck, rollback, promote, false);
  }

  /**
   * How long an older version must go without a sticky client to count as drained under {@code
   * transition}: a SESSION's {@code sessionTimeout} (no cookie it signed is valid longer), else
   * {@link #DEFAULT_DRAIN_IDLE_MILLIS}.
   */
  public static long drainIdleMillis(Settings transition) {
    if ("SESSION".equals(transition.string("mode").orElse(""))) {
      return transition.number("sessionTimeout").map(n -> n.longValue() * 1000).orElse(DEFAULT_DRAIN_IDLE_MILLIS);
    }
    return DEFAULT_DRAIN_IDLE_MILLIS;
  }

  /** The rollback policy in force: the given one, else the default. */
  public RollbackPolicy rollbackInForce() {
    return rollback == null ? RollbackPolicy.DEFAULT : rollback;
  }
}

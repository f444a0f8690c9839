package io.handover.strategies;

import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import io.handover.api.VersionSet;
import java.util.List;

/**
 * INSTANT: every request goes to the newest active version; older versions stay as fallback.
 *
 * <p>Takes no settings besides {@code mode} and {@code match}.
 *
 * <p>Like every built-in mode it also takes {@code match} rules, e.g.
 * {@code "match":[{"header":"X-Canary","equals":"1"}]}: a request that satisfies one goes to this
 * version whatever the mode would do.
 */
public final class InstantStrategyFactory implements UpgradeStrategyFactory {

  /** The mode's name. */
  public static final String NAME = "INSTANT";

  static final UpgradeStrategy INSTANT = new UpgradeStrategy() {
    @Override
    public RoutingDecision decide(RequestView request, VersionSet versions) {
      return RoutingDecision.to(versions.active().get(0));
    }
  };

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "All traffic to the newest version at once; older versions stay as fallback.";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    StrategySettings.rejectUnknown(settings, NAME, List.of());
    return MatchingStrategy.wrap(settings, INSTANT);
  }
}

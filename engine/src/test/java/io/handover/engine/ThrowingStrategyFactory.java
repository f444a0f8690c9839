package io.handover.engine;

import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import io.handover.api.VersionSet;

/** A strategy with a bug: it throws for requests to /boom and routes to the oldest version otherwise. */
public final class ThrowingStrategyFactory implements UpgradeStrategyFactory {

  @Override
  public String name() {
    return "TEST_THROWING";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    return new UpgradeStrategy() {
      @Override
      public RoutingDecision decide(RequestView request, VersionSet versions) {
        if (request.path().startsWith("/boom")) {
          throw new IllegalStateException("bug in the strategy");
        }
        return RoutingDecision.to(versions.active().get(versions.active().size() - 1));
      }
    };
  }
}

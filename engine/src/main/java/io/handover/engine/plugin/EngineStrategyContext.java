package io.handover.engine.plugin;

import io.handover.api.CookieSigner;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import io.handover.api.StickyClients;
import io.handover.api.StrategyContext;
import java.time.Clock;

/** What strategies get from the engine. */
record EngineStrategyContext(Clock clock, CookieSigner cookieSigner, PluginRegistry registry) implements StrategyContext {

  @Override
  public StickyClients stickyClients() {
    return registry.stickyClients();
  }

  @Override
  public ResponseComparator comparator(String name, Settings settings) {
    return registry.createComparator(name, settings);
  }
}

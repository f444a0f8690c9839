package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.InvalidSettingException;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.telemetry.EndpointOutcomes;
import io.handover.engine.telemetry.MirrorStats;
import io.handover.engine.telemetry.Outcomes;
import java.util.List;

/**
 * Makes the live form of a version from its configuration: its strategy (from the plugins), its
 * servers (from the request path's factory) and fresh counters. Checks every promotion stage's
 * strategy too, so that a version is never accepted with a stage that could not be applied later.
 */
final class VersionFactory {

  private final PluginRegistry plugins;
  private final Servers.Factory servers;

  VersionFactory(PluginRegistry plugins, Servers.Factory servers) {
    this.plugins = requireNonNull(plugins, "plugins is null");
    this.servers = requireNonNull(servers, "servers is null");
  }

  /**
   * A new live version with its own servers, counters and history.
   *
   * @throws InvalidSettingException naming {@code upgradeTransition.x} or {@code promote[i].to.x}
   */
  LiveVersion create(ClusterConfig config) {
    UpgradeStrategy strategy = strategy(config.transition(), "upgradeTransition");
    List<PromotionStage> stages = config.policies().promote();
    for (int i = 0; i < stages.size(); i++) {
      strategy(stages.get(i).to(), "promote[" + i + "].to");
    }
    RollbackPolicy rollback = config.policies().rollbackInForce();
    return new LiveVersion(config, info(config), strategy, servers.create(config), new MirrorStats(), new Outcomes(),
        new EndpointOutcomes(rollback.endpoints(), rollback.windowSeconds()), new TransitionHistory());
  }

  /** The same version with a new configuration (and strategy), around the same servers and counters. */
  static LiveVersion update(LiveVersion v, ClusterConfig config, UpgradeStrategy strategy) {
    return new LiveVersion(config, info(config), strategy, v.servers(), v.mirrorStats(), v.outcomes(), v.endpoints(), v.history());
  }

  /** The strategy for a transition. */
  UpgradeStrategy strategy(io.handover.api.Settings transition, String field) {
    try {
      return plugins.createStrategy(transition);
    } catch (InvalidSettingException e) {
      throw within(field, e);
    }
  }

  private static VersionInfo info(ClusterConfig config) {
    return new VersionInfo(config.id(), config.version(), config.mode(), config.rollout().state(), config.addedAtMillis());
  }

  /** The error with its field put inside {@code prefix}, e.g. {@code promote[0].to.sessionTimeout}. */
  private static InvalidSettingException within(String prefix, InvalidSettingException e) {
    String field = prefix + "." + e.field();
    String message = e.getMessage().startsWith(e.field()) ? prefix + "." + e.getMessage() : field + ": " + e.getMessage();
    return new InvalidSettingException(field, message);
  }
}

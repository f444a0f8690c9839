package io.handover.api;

/**
 * Makes {@link UpgradeStrategy} instances for one upgrade mode. Found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.handover.api.UpgradeStrategyFactory}. Needs a public no-argument
 * constructor.
 *
 * <p><b>Threads:</b> called on worker threads (start-up and admin requests), one call at a time per
 * factory. <b>Blocking:</b> allowed but should be brief.
 */
public interface UpgradeStrategyFactory {

  /**
   * The mode this factory provides, as written in a cluster's {@code upgradeTransition.mode}, e.g.
   * {@code "SESSION"}. Matched case-insensitively; unique across all loaded plugins. Never null.
   */
  String name();

  /** A one-line description for the admin API's listing. Never null. */
  default String description() {
    return "";
  }

  /**
   * Creates the strategy of one version, checking its settings.
   *
   * @param settings the version's {@code upgradeTransition} object, {@code mode} included; not null
   * @param context engine services the strategy may keep and use later; not null
   * @return a new strategy; never null
   * @throws InvalidSettingException naming the setting, when a setting is missing or invalid; the
   *     admin API turns it into {@code 400} with the field's path
   */
  UpgradeStrategy create(Settings settings, StrategyContext context);
}

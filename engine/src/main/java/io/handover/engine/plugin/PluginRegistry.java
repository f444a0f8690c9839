package io.handover.engine.plugin;

import static java.util.Objects.requireNonNull;

import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.Settings;
import io.handover.api.StickyClients;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The strategies and comparators the engine knows, by name (case-insensitive), each with where it
 * came from. Immutable once built.
 */
public final class PluginRegistry {

  /** A factory and the JAR or folder it was loaded from. */
  public record Plugin<T>(String name, T factory, String source, String description) {}

  private final Map<String, Plugin<UpgradeStrategyFactory>> strategies;
  private final Map<String, Plugin<ResponseComparatorFactory>> comparators;
  private final List<String> problems;
  private final StrategyContext context;
  private volatile StickyClients stickyClients = StickyClients.NONE;

  PluginRegistry(
      Map<String, Plugin<UpgradeStrategyFactory>> strategies,
      Map<String, Plugin<ResponseComparatorFactory>> comparators,
      List<String> problems,
      StrategyContextFactory contextFactory) {
    this.strategies = Collections.unmodifiableMap(new TreeMap<>(strategies));
    this.comparators = Collections.unmodifiableMap(new TreeMap<>(comparators));
    this.problems = List.copyOf(problems);
    this.context = contextFactory.create(this);
  }

  /**
   * Where the strategies' sticky clients are noted from now on (the version registry's counts);
   * until it is set, nowhere.
   */
  public void countStickyClientsIn(StickyClients counts) {
    this.stickyClients = requireNonNull(counts, "counts is null");
  }

  /** What the strategies' context hands on: every call goes to the counts set last. */
  StickyClients stickyClients() {
    return (version, client) -> stickyClients.seen(version, client);
  }

  /** Makes the context strategies get; it needs the registry to create comparators. */
  interface StrategyContextFactory {
    StrategyContext create(PluginRegistry registry);
  }

  /** The loaded strategies, by upper-case name. */
  public Map<String, Plugin<UpgradeStrategyFactory>> strategies() {
    return strategies;
  }

  /** The loaded comparators, by lower-case name. */
  public Map<String, Plugin<ResponseComparatorFactory>> comparators() {
    return comparators;
  }

  /** The plugins that failed to load and were skipped, one line each naming the JAR and the cause. */
  public List<String> problems() {
    return problems;
  }

  /**
   * Creates the strategy named by {@code transition.mode}.
   *
   * @throws InvalidSettingException when the mode is unknown or the strategy rejects a setting
   */
  public UpgradeStrategy createStrategy(Settings transition) {
    String mode = transition.string("mode").orElse("INSTANT");
    Plugin<UpgradeStrategyFactory> plugin = strategies.get(mode.toUpperCase(Locale.ROOT));
    if (plugin == null) {
      throw new InvalidSettingException("mode", "unknown mode '" + mode + "'; known modes: " + String.join(", ", strategies.keySet()));
    }
    return withLoader(plugin.factory(), () -> requireNonNull(plugin.factory().create(transition, context),
        () -> "strategy " + plugin.name() + " returned null"));
  }

  /**
   * Creates a comparator by name.
   *
   * @throws InvalidSettingException when the name is unknown or the comparator rejects a setting
   */
  public ResponseComparator createComparator(String name, Settings settings) {
    Plugin<ResponseComparatorFactory> plugin = comparators.get(name.toLowerCase(Locale.ROOT));
    if (plugin == null) {
      throw new InvalidSettingException("comparators",
          "unknown comparator '" + name + "'; known comparators: " + String.join(", ", comparators.keySet()));
    }
    return withLoader(plugin.factory(), () -> requireNonNull(plugin.factory().create(settings),
        () -> "comparator " + plugin.name() + " returned null"));
  }

  /** The names of the loaded strategies, sorted. */
  public List<String> strategyNames() {
    return new ArrayList<>(strategies.keySet());
  }

  /** Runs a call into a plugin with the plugin's class loader as the thread's context loader. */
  static <T> T withLoader(Object plugin, java.util.function.Supplier<T> call) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(plugin.getClass().getClassLoader());
    try {
      return call.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}

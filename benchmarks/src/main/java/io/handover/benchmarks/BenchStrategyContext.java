package io.handover.benchmarks;

import io.handover.api.CookieSigner;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategyFactory;
import io.handover.engine.cookie.HmacCookieSigner;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** The engine services a strategy gets, built from the class path, for benchmarks without a server. */
record BenchStrategyContext(Clock clock, CookieSigner cookieSigner) implements StrategyContext {

  static BenchStrategyContext create() {
    return new BenchStrategyContext(Clock.systemUTC(), HmacCookieSigner.fromSecret("benchmark-secret-0123456789"));
  }

  @Override
  public ResponseComparator comparator(String name, Settings settings) {
    return comparatorFactory(name)
        .orElseThrow(() -> new InvalidSettingException("comparators", "no comparator named " + name + "; found: " + comparatorNames()))
        .create(settings);
  }

  static Optional<UpgradeStrategyFactory> strategyFactory(String mode) {
    for (UpgradeStrategyFactory f : ServiceLoader.load(UpgradeStrategyFactory.class)) {
      if (f.name().equalsIgnoreCase(mode)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static String strategyNames() {
    TreeSet<String> names = new TreeSet<>();
    ServiceLoader.load(UpgradeStrategyFactory.class).forEach(f -> names.add(f.name().toUpperCase(Locale.ROOT)));
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  static Optional<ResponseComparatorFactory> comparatorFactory(String name) {
    for (ResponseComparatorFactory f : ServiceLoader.load(ResponseComparatorFactory.class)) {
      if (f.name().equalsIgnoreCase(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static String comparatorNames() {
    TreeSet<String> names = new TreeSet<>();
    ServiceLoader.load(ResponseComparatorFactory.class).forEach(f -> names.add(f.name().toLowerCase(Locale.ROOT)));
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}

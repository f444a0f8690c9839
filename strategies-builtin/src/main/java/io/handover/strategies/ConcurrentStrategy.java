package io.handover.strategies;

import io.handover.api.Mirror;
import io.handover.api.RequestView;
import io.handover.api.ResponseComparator;
import io.handover.api.RoutingDecision;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The CONCURRENT strategy of one version; see {@link ConcurrentStrategyFactory}. */
final class ConcurrentStrategy implements UpgradeStrategy {

  private final List<String> comparatorNames;
  private final List<ResponseComparator> comparators;
  private final Duration timeout;
  private final long maxBodyBytes;
  private final List<String> mirrorMethods;
  private final double noiseSampleRate;
  private final boolean learnNoise;
  private final PlainDecisions plain = new PlainDecisions();
  // The mirrored decision for the current (old, new) pair; rebuilt only when the versions change.
  private volatile RoutingDecision mirrored;

  ConcurrentStrategy(List<String> comparatorNames, List<ResponseComparator> comparators, Duration timeout,
      long maxBodyBytes, List<String> mirrorMethods, double noiseSampleRate, boolean learnNoise) {
    this.comparatorNames = List.copyOf(comparatorNames);
    this.comparators = List.copyOf(comparators);
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.mirrorMethods = List.copyOf(mirrorMethods);
    this.noiseSampleRate = noiseSampleRate;
    this.learnNoise = learnNoise;
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    List<VersionInfo> active = versions.active();
    VersionInfo newest = active.get(0);
    if (active.size() < 2) {
      return plain.to(newest);
    }
    VersionInfo old = active.get(1);
    RoutingDecision d = mirrored;
    if (d != null && d.target() == old && d.mirror().candidate() == newest) {
      return d;
    }
    d = new RoutingDecision(old, new Mirror(newest, comparators, timeout, maxBodyBytes, mirrorMethods, noiseSampleRate, learnNoise), List.of());
    mirrored = d;
    return d;
  }

  @Override
  public Map<String, Object> status() {
    return Map.of(
        "comparators", comparatorNames,
        "timeoutMillis", timeout.toMillis(),
        "maxBodyBytes", maxBodyBytes,
        "mirrorMethods", mirrorMethods,
        "noiseSampleRate", noiseSampleRate,
        "learnNoise", learnNoise);
  }
}

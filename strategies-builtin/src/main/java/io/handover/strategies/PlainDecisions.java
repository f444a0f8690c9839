package io.handover.strategies;

import io.handover.api.RoutingDecision;
import io.handover.api.VersionInfo;

/**
 * Reuses cookie-less {@link RoutingDecision}s for the two versions a strategy routes to most, so a
 * returning client costs no allocation.
 *
 * <p>Thread-safe without locks: decisions are immutable, so a lost update only costs one more
 * allocation later. Versions are matched by identity because the engine hands out the same
 * {@link VersionInfo} objects until the version set changes.
 */
final class PlainDecisions {

  private volatile RoutingDecision first;
  private volatile RoutingDecision second;

  RoutingDecision to(VersionInfo target) {
    RoutingDecision d = first;
    if (d != null && d.target() == target) {
      return d;
    }
    d = second;
    if (d != null && d.target() == target) {
      return d;
    }
    d = RoutingDecision.to(target);
    second = first;
    first = d;
    return d;
  }
}

package io.handover.strategies;

import static java.util.Objects.requireNonNull;

import io.handover.api.CookieSigner;
import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The SESSION strategy of one version; see {@link SessionStrategyFactory}. */
final class SessionStrategy implements UpgradeStrategy {

  private final long timeoutSeconds;
  private final String cookieName;
  private final Clock clock;
  private final CookieSigner signer;

  SessionStrategy(long timeoutSeconds, String cookieName, Clock clock, CookieSigner signer) {
    this.timeoutSeconds = timeoutSeconds;
    this.cookieName = requireNonNull(cookieName, "cookieName is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.signer = requireNonNull(signer, "signer is null");
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    long now = Math.floorDiv(clock.millis(), 1000L);
    VersionInfo target = sessionVersion(request.cookie(cookieName), versions, now);
    if (target == null) {
      target = versions.active().get(0);
    }
    // Sliding expiry: every request restarts the idle period.
    String value = signer.sign(payload(target.id(), now + timeoutSeconds));
    return RoutingDecision.to(target, List.of(SetCookie.sticky(cookieName, value, timeoutSeconds)));
  }

  static String payload(String versionId, long expiryEpochSeconds) {
    return versionId + ':' + expiryEpochSeconds;
  }

  /** The active version a still-running session is on, or null when the cookie does not hold one. */
  private VersionInfo sessionVersion(String cookie, VersionSet versions, long now) {
    if (cookie == null) {
      return null;
    }
    String payload = signer.verify(cookie).orElse(null);
    if (payload == null) {
      return null;
    }
    int colon = payload.lastIndexOf(':');
    if (colon <= 0 || colon == payload.length() - 1) {
      return null;
    }
    long expiry;
    try {
      expiry = Long.parseLong(payload, colon + 1, payload.length(), 10);
    } catch (NumberFormatException e) {
      return null;
    }
    if (expiry <= now) {
      return null;
    }
    // Only active versions count: a deleted or rolled-back version must not keep its clients.
    for (VersionInfo v : versions.active()) {
      String id = v.id();
      if (id.length() == colon && payload.startsWith(id)) {
        return v;
      }
    }
    return null;
  }

  @Override
  public Map<String, Object> status() {
    return Map.of("sessionTimeout", timeoutSeconds, "cookieName", cookieName);
  }
}

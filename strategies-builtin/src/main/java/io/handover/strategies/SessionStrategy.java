package io.handover.strategies;

import static java.util.Objects.requireNonNull;

import io.handover.api.CookieSigner;
import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.api.StickyClients;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The SESSION strategy of one version; see {@link SessionStrategyFactory}. */
final class SessionStrategy implements UpgradeStrategy {

  private final long timeoutSeconds;
  private final String cookieName;
  private final Clock clock;
  private final CookieSigner signer;
  private final StickyClients sticky;
  private final PlainDecisions plain = new PlainDecisions();

  SessionStrategy(long timeoutSeconds, String cookieName, Clock clock, CookieSigner signer, StickyClients sticky) {
    this.timeoutSeconds = timeoutSeconds;
    this.cookieName = requireNonNull(cookieName, "cookieName is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.signer = requireNonNull(signer, "signer is null");
    this.sticky = requireNonNull(sticky, "sticky is null");
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    long now = Math.floorDiv(clock.millis(), 1000L);
    Session session = session(request.cookie(cookieName), versions, now);
    VersionInfo target;
    long client;
    if (session == null) {
      target = versions.active().get(0);
      client = ThreadLocalRandom.current().nextLong();
    } else {
      target = session.version;
      client = session.client;
      if (target != versions.active().get(0)) {
        sticky.seen(target, client);
      }
    }
    // Sliding expiry: every request restarts the idle period. The expiry is kept in whole seconds,
    // so a cookie issued in this second already says what a new one would: it is not sent again.
    if (session != null && session.current && session.expiry == now + timeoutSeconds) {
      return plain.to(target);
    }
    String value = signer.sign(payload(target.id(), now + timeoutSeconds, client));
    return RoutingDecision.to(target, List.of(SetCookie.sticky(cookieName, value, timeoutSeconds)));
  }

  /** {@code <versionId>:<expiryEpochSeconds>:<client>}, the client as 16 hex digits. */
  static String payload(String versionId, long expiryEpochSeconds, long client) {
    return versionId + ':' + expiryEpochSeconds + ':' + HexFormat.of().toHexDigits(client);
  }

  /**
   * A still-running session on an active version; {@code current} when its cookie has the current
   * form, with the client id (one of the older form is issued again in the current one).
   */
  private record Session(VersionInfo version, long client, long expiry, boolean current) {}

  /**
   * The still-running session the cookie holds, or null when it holds none. A cookie of the older
   * form {@code <versionId>:<expiry>}, without a client, is honoured; its client becomes a hash of
   * it, kept from then on.
   */
  private Session session(String cookie, VersionSet versions, long now) {
    if (cookie == null) {
      return null;
    }
    String payload = signer.verify(cookie).orElse(null);
    if (payload == null) {
      return null;
    }
    int colon = payload.indexOf(':');
    if (colon <= 0 || colon == payload.length() - 1) {
      return null;
    }
    int second = payload.indexOf(':', colon + 1);
    int expiryEnd = second < 0 ? payload.length() : second;
    long expiry;
    long client;
    try {
      expiry = Long.parseLong(payload, colon + 1, expiryEnd, 10);
      client = second < 0 ? legacyClient(payload) : client(payload, second + 1);
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
        return new Session(v, client, expiry, second >= 0);
      }
    }
    return null;
  }

  private static long client(String payload, int from) {
    if (payload.length() - from != 16) {
      throw new NumberFormatException("a client is 16 hex digits");
    }
    for (int i = from; i < payload.length(); i++) {
      char c = payload.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new NumberFormatException("a client is 16 lower-case hex digits");
      }
    }
    return Long.parseUnsignedLong(payload, from, payload.length(), 16);
  }

  private static long legacyClient(String payload) {
    long h = 1125899906842597L;
    for (int i = 0; i < payload.length(); i++) {
      h = 31 * h + payload.charAt(i);
    }
    return h;
  }

  @Override
  public Map<String, Object> status() {
    return Map.of("sessionTimeout", timeoutSeconds, "cookieName", cookieName);
  }
}

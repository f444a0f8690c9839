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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;

/** The GRADUAL strategy of one version; see {@link GradualStrategyFactory}. */
final class GradualStrategy implements UpgradeStrategy {

  /** One percent, in the millionths of a percent that shares are counted in. */
  static final long PERCENT = 1_000_000L;
  static final long FULL = 100 * PERCENT;
  static final long COOKIE_MAX_AGE_SECONDS = 365L * 24 * 60 * 60;

  private static final HexFormat HEX = HexFormat.of();
  private static final long UNKNOWN = Long.MIN_VALUE;

  private final Ramp ramp;
  private final String cookieName;
  private final Clock clock;
  private final CookieSigner signer;
  private final StickyClients sticky;
  private final PlainDecisions plain = new PlainDecisions();

  private final AtomicLong perRequestCount = new AtomicLong();
  private final LongUnaryOperator countUntilFull;
  // Steps mode only counts, so a LongAdder keeps IO threads from contending on one cache line.
  private final LongAdder stepsCount = new LongAdder();
  // Remembered for status(), which is not told the versions.
  private volatile long addedAtMillis = UNKNOWN;

  GradualStrategy(Ramp ramp, String cookieName, Clock clock, CookieSigner signer, StickyClients sticky) {
    this.ramp = requireNonNull(ramp, "ramp is null");
    this.cookieName = requireNonNull(cookieName, "cookieName is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.signer = requireNonNull(signer, "signer is null");
    this.sticky = requireNonNull(sticky, "sticky is null");
    long step = ramp.perRequestMicros;
    this.countUntilFull = n -> n * step < FULL ? n + 1 : n;
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    List<VersionInfo> active = versions.active();
    VersionInfo newest = active.get(0);
    if (active.size() < 2) {
      return plain.to(newest);
    }
    long share = nextShare(newest);
    if (share >= FULL) {
      return plain.to(newest);
    }
    VersionInfo old = active.get(1);
    String id = clientId(request.cookie(cookieName));
    boolean fresh = id == null;
    long client = fresh ? ThreadLocalRandom.current().nextLong() : Long.parseUnsignedLong(id, 16);
    VersionInfo target = bucket(client, newest.id()) * PERCENT < share ? newest : old;
    if (target == old) {
      sticky.seen(old, client);
    }
    if (!fresh) {
      return plain.to(target);
    }
    String value = signer.sign(HEX.toHexDigits(client));
    return RoutingDecision.to(target, List.of(SetCookie.sticky(cookieName, value, COOKIE_MAX_AGE_SECONDS)));
  }

  /** The share for this request, counting it as routed while the rollout runs. */
  private long nextShare(VersionInfo newest) {
    if (ramp.isPerRequest()) {
      long n = perRequestCount.get();
      if (n * ramp.perRequestMicros < FULL) {
        n = perRequestCount.getAndUpdate(countUntilFull);
      }
      return Math.min(FULL, n * ramp.perRequestMicros);
    }
    long added = newest.addedAtMillis();
    if (addedAtMillis != added) {
      addedAtMillis = added;
    }
    long share = ramp.shareAt(clock.millis() - added);
    if (share < FULL) {
      stepsCount.increment();
    }
    return share;
  }

  /** The client id held by a genuine cookie, or null for a new client. */
  private String clientId(String cookie) {
    if (cookie == null) {
      return null;
    }
    String payload = signer.verify(cookie).orElse(null);
    if (payload == null || payload.length() != 16) {
      return null;
    }
    for (int i = 0; i < payload.length(); i++) {
      char c = payload.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return payload;
  }

  /**
   * The client's bucket, 0 to 99, for the rollout of one version. Mixing in the version id lets a
   * different set of clients go first in each rollout, rather than the same early movers every time.
   */
  static int bucket(long client, String versionId) {
    long h = client ^ (versionId.hashCode() * 0x9E3779B97F4A7C15L);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Long.remainderUnsigned(h, 100);
  }

  /** The current share in millionths of a percent. */
  long share() {
    if (ramp.isPerRequest()) {
      return Math.min(FULL, perRequestCount.get() * ramp.perRequestMicros);
    }
    long added = addedAtMillis;
    // Before the first request the version's age is unknown; report the ramp's start.
    return ramp.shareAt(added == UNKNOWN ? 0 : clock.millis() - added);
  }

  @Override
  public Map<String, Object> status() {
    long share = share();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("share", share % PERCENT == 0 ? (Object) (share / PERCENT) : (Object) (share / (double) PERCENT));
    status.put("routedRequests", ramp.isPerRequest() ? perRequestCount.get() : stepsCount.sum());
    status.put("ramp", ramp.isPerRequest() ? "per-request" : "steps");
    return status;
  }

  @Override
  public OptionalDouble trafficShare() {
    return OptionalDouble.of(share() / (double) FULL);
  }

  /** How the share grows: by a fixed amount per routed request, or along timed steps. */
  static final class Ramp {

    final long perRequestMicros;
    private final long[] shares;
    private final long[] ends;

    private Ramp(long perRequestMicros, long[] shares, long[] ends) {
      this.perRequestMicros = perRequestMicros;
      this.shares = shares;
      this.ends = ends;
    }

    /** Grows by {@code micros} millionths of a percent per routed request. */
    static Ramp perRequest(long micros) {
      if (micros <= 0 || micros > FULL) {
        throw new IllegalArgumentException("per-request growth out of range: " + micros);
      }
      return new Ramp(micros, null, null);
    }

    /** Holds {@code shares[i]} for {@code millis[i]}, one step after another, then 100%. */
    static Ramp steps(long[] shares, long[] millis) {
      if (shares.length == 0 || shares.length != millis.length) {
        throw new IllegalArgumentException("steps need as many shares as durations, at least one");
      }
      long[] ends = new long[millis.length];
      long end = 0;
      for (int i = 0; i < millis.length; i++) {
        end = millis[i] > Long.MAX_VALUE - end ? Long.MAX_VALUE : end + millis[i];
        ends[i] = end;
      }
      return new Ramp(0, shares.clone(), ends);
    }

    boolean isPerRequest() {
      return shares == null;
    }

    /** The share at {@code elapsedMillis} after the version was added; steps mode only. */
    long shareAt(long elapsedMillis) {
      long elapsed = Math.max(0, elapsedMillis);
      for (int i = 0; i < ends.length; i++) {
        if (elapsed < ends[i]) {
          return shares[i];
        }
      }
      return FULL;
    }
  }
}

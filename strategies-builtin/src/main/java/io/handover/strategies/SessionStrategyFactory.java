package io.handover.strategies;

import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import java.util.List;

/**
 * SESSION: new sessions go to the newest version, while a client whose session began on an older
 * version stays there until it has been idle for {@code sessionTimeout} seconds.
 *
 * <p>Settings:
 *
 * <ul>
 *   <li>{@code sessionTimeout} (required): the idle gap, in whole seconds greater than 0, that ends a
 *       session.
 *   <li>{@code cookieName} (default {@code dynsoftup}): the cookie that keeps a client on its
 *       version.
 * </ul>
 *
 * <p>The cookie value is {@code <versionId>:<expiryEpochSeconds>:<client>} (the client a random
 * id in 16 hex digits) signed by the proxy's {@link io.handover.api.CookieSigner}; it is set again
 * on every response with the expiry moved to now plus {@code sessionTimeout}. A client kept on an
 * older version is told to the engine's {@link io.handover.api.StickyClients}. A cookie of the
 * earlier form {@code <versionId>:<expiryEpochSeconds>} is still honoured. A cookie that is unsigned, forged, malformed, expired, or names a
 * version that is no longer active starts a new session.
 *
 * <p>Like every built-in mode it also takes {@code match} rules, e.g.
 * {@code "match":[{"header":"X-Canary","equals":"1"}]}: a request that satisfies one goes to this
 * version whatever the mode would do.
 */
public final class SessionStrategyFactory implements UpgradeStrategyFactory {

  /** The mode's name. */
  public static final String NAME = "SESSION";

  static final String SESSION_TIMEOUT = "sessionTimeout";
  static final String COOKIE_NAME = "cookieName";
  static final String DEFAULT_COOKIE = "dynsoftup";

  // Max-Age and the signed expiry are plain seconds; an int bound keeps both far from overflow.
  static final long MAX_TIMEOUT_SECONDS = Integer.MAX_VALUE;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "New sessions go to the newest version; running sessions stay on theirs until idle for sessionTimeout.";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    StrategySettings.rejectUnknown(settings, NAME, List.of(SESSION_TIMEOUT, COOKIE_NAME));
    long timeout = StrategySettings.requireWhole(settings, SESSION_TIMEOUT, 1, MAX_TIMEOUT_SECONDS);
    String cookie = StrategySettings.cookieName(settings, COOKIE_NAME, DEFAULT_COOKIE);
    return MatchingStrategy.wrap(settings, new SessionStrategy(timeout, cookie, context.clock(), context.cookieSigner(), context.stickyClients()));
  }
}

package io.handover.strategies;

import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * GRADUAL: moves a growing share of clients from the next older active version to the newest one.
 *
 * <p>Each client carries a signed random id in a cookie, from which it gets a bucket 0 to 99 that is
 * fixed for the rollout; it is served by the new version once its bucket is below the current share.
 * The share never shrinks, so a client that has moved never moves back.
 *
 * <p>Settings, exactly one of the first two:
 *
 * <ul>
 *   <li>{@code percentageTransitionPerRequest}: greater than 0, at most 100. The share starts at 0
 *       and grows by this many percent with every request routed while the rollout runs (as in the
 *       original proxy). The count is kept per proxy instance.
 *   <li>{@code steps}: a time-based ramp, e.g. {@code [{"percentage":10,"seconds":300},
 *       {"percentage":50,"seconds":600}]}: the share is 10 for the first 300 seconds after the version
 *       was added, then 50 for 600 seconds, and 100 after the last step. Percentages are 0 to 100 and
 *       never decrease; seconds are at least 0 and may be fractional. Time counts from the version's
 *       {@code addedAtMillis}, so every instance agrees.
 *   <li>{@code cookieName} (default {@code transition}): the cookie holding the client's id.
 * </ul>
 *
 * <p>The cookie value is 16 lower-case hex digits (a random 64-bit id) signed by the proxy's
 * {@link io.handover.api.CookieSigner}, set once with a {@code Max-Age} of a year.
 *
 * <p>Like every built-in mode it also takes {@code match} rules, e.g.
 * {@code "match":[{"header":"X-Canary","equals":"1"}]}: a request that satisfies one goes to this
 * version whatever the mode would do.
 */
public final class GradualStrategyFactory implements UpgradeStrategyFactory {

  /** The mode's name. */
  public static final String NAME = "GRADUAL";

  static final String PER_REQUEST = "percentageTransitionPerRequest";
  static final String STEPS = "steps";
  static final String COOKIE_NAME = "cookieName";
  static final String DEFAULT_COOKIE = "transition";
  static final String PERCENTAGE = "percentage";
  static final String SECONDS = "seconds";

  // Ten years: longer ramps are almost certainly a unit mistake.
  static final long MAX_STEP_SECONDS = 315_360_000L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Moves a growing percentage of clients to the newest version, per request or along timed steps.";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    StrategySettings.rejectUnknown(settings, NAME, List.of(PER_REQUEST, STEPS, COOKIE_NAME));
    boolean perRequest = settings.has(PER_REQUEST);
    boolean steps = settings.has(STEPS);
    if (perRequest && steps) {
      throw settings.invalid(STEPS, "cannot be combined with " + PER_REQUEST + "; give exactly one of them");
    }
    if (!perRequest && !steps) {
      throw settings.invalid(PER_REQUEST, "is required unless " + STEPS + " is given; give exactly one of them");
    }
    String cookie = StrategySettings.cookieName(settings, COOKIE_NAME, DEFAULT_COOKIE);
    GradualStrategy.Ramp ramp = perRequest ? perRequest(settings) : steps(settings);
    return MatchingStrategy.wrap(settings, new GradualStrategy(ramp, cookie, context.clock(), context.cookieSigner(), context.stickyClients()));
  }

  private static GradualStrategy.Ramp perRequest(Settings settings) {
    return GradualStrategy.Ramp.perRequest(micros(settings, PER_REQUEST, true));
  }

  private static GradualStrategy.Ramp steps(Settings settings) {
    List<Settings> steps = settings.objects(STEPS).orElseThrow();
    if (steps.isEmpty()) {
      throw settings.invalid(STEPS, "must hold at least one step");
    }
    long[] shares = new long[steps.size()];
    long[] millis = new long[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      Settings step = steps.get(i);
      for (String key : step.keys()) {
        if (!key.equals(PERCENTAGE) && !key.equals(SECONDS)) {
          throw step.invalid(key, "is not a setting of a step; known: " + PERCENTAGE + ", " + SECONDS);
        }
      }
      shares[i] = micros(step, PERCENTAGE, false);
      if (i > 0 && shares[i] < shares[i - 1]) {
        throw step.invalid(PERCENTAGE, "must not be lower than the previous step's percentage");
      }
      step.requireNumber(SECONDS, 0, false, MAX_STEP_SECONDS);
      millis[i] = step.number(SECONDS).orElseThrow().movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
    return GradualStrategy.Ramp.steps(shares, millis);
  }

  /** A percentage in millionths of a percent, so that shares add up exactly. */
  private static long micros(Settings settings, String key, boolean exclusiveZero) {
    settings.requireNumber(key, 0, exclusiveZero, 100);
    BigDecimal value = settings.number(key).orElseThrow();
    long micros = value.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    if (exclusiveZero && micros == 0) {
      throw settings.invalid(key, "must be at least 0.000001");
    }
    return micros;
  }
}

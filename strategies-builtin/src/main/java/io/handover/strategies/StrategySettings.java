package io.handover.strategies;

import io.handover.api.Settings;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Setting checks shared by the built-in strategies. */
final class StrategySettings {

  /** Every mode's settings carry the mode itself; it is never an unknown key. */
  static final String MODE = "mode";

  /** Every built-in mode takes {@code match} rules; see {@link MatchRules}. */
  static final List<String> COMMON = List.of(MODE, MatchRules.MATCH);

  private StrategySettings() {}

  /**
   * Rejects every key that is neither common to all modes ({@code mode}, {@code match}) nor in
   * {@code known}, so that a misspelt setting fails loudly instead of silently taking its default.
   */
  static void rejectUnknown(Settings settings, String modeName, List<String> known) {
    Set<String> allowed = Set.copyOf(known);
    for (String key : settings.keys()) {
      if (!COMMON.contains(key) && !allowed.contains(key)) {
        String names = String.join(", ", COMMON) + (known.isEmpty() ? "" : ", " + String.join(", ", known));
        throw settings.invalid(key, "is not a setting of " + modeName + "; known: " + names);
      }
    }
  }

  /**
   * A required whole number in {@code [min, max]}.
   *
   * @throws io.handover.api.InvalidSettingException when absent, not a whole number or out of range
   */
  static long requireWhole(Settings settings, String key, long min, long max) {
    return wholeIn(settings, key, min, max).orElseThrow(() -> settings.invalid(key, "is required"));
  }

  /** An optional whole number in {@code [min, max]}, or {@code fallback} when absent. */
  static long whole(Settings settings, String key, long fallback, long min, long max) {
    return wholeIn(settings, key, min, max).orElse(fallback);
  }

  private static OptionalLong wholeIn(Settings settings, String key, long min, long max) {
    Optional<BigDecimal> n = settings.number(key);
    if (n.isEmpty()) {
      return OptionalLong.empty();
    }
    BigDecimal v = n.get();
    if (v.compareTo(BigDecimal.valueOf(min)) < 0) {
      throw settings.invalid(key, min == 1 ? "must be greater than 0" : "must be at least " + min);
    }
    if (v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw settings.invalid(key, "must be at most " + max);
    }
    try {
      return OptionalLong.of(v.longValueExact());
    } catch (ArithmeticException e) {
      throw settings.invalid(key, "must be a whole number");
    }
  }

  /** A cookie name setting, or {@code fallback}; must be an RFC 6265 token. */
  static String cookieName(Settings settings, String key, String fallback) {
    String name = settings.string(key).orElse(fallback);
    if (name.isEmpty()) {
      throw settings.invalid(key, "must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw settings.invalid(key, "must be a cookie name: letters, digits and !#$%&'*+-.^_`|~ only");
      }
    }
    return name;
  }

  /** Whether {@code c} may appear in an RFC 7230 token (cookie names, method names). */
  static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}

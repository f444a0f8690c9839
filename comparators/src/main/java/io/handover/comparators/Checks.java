package io.handover.comparators;

import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.util.List;

/** Checks shared by the comparators and their factories. */
final class Checks {

  private Checks() {}

  /** Rejects the first setting that the comparator does not know, so a typo is not silently ignored. */
  static void rejectUnknownSettings(Settings settings, String comparator, List<String> known) {
    for (String key : settings.keys()) {
      if (!known.contains(key)) {
        String knownText = known.isEmpty() ? "none" : String.join(", ", known);
        throw settings.invalid(key, "is not a setting of " + comparator + "; known: " + knownText);
      }
    }
  }

  /**
   * Why two summaries cannot be compared, or null when both are usable. The engine passes only
   * successful responses, but a comparator must answer rather than throw.
   */
  static String unusable(ResponseSummary target, ResponseSummary candidate) {
    if (target == null) {
      return "target response missing";
    }
    if (candidate == null) {
      return "candidate response missing";
    }
    if (!target.succeeded()) {
      return "target failed: " + target.failure();
    }
    if (!candidate.succeeded()) {
      return "candidate failed: " + candidate.failure();
    }
    return null;
  }
}

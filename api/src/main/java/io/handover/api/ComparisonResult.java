package io.handover.api;

import java.util.List;
import java.util.Objects;

/**
 * A comparator's verdict on two responses.
 *
 * <p>Immutable.
 *
 * @param matches whether the candidate's response may be served in place of the target's
 * @param reason why they differ, for the admin API's mismatch log; empty when they match; not null
 * @param differences the places that differ, when the comparator can name them (body members,
 *     headers); empty when they match or when it cannot; not null. The engine learns noise from them.
 */
public record ComparisonResult(boolean matches, String reason, List<Difference> differences) {

  private static final ComparisonResult MATCH = new ComparisonResult(true, "");

  public ComparisonResult {
    Objects.requireNonNull(reason, "reason is null");
    differences = List.copyOf(differences);
  }

  /** A verdict that names no place. */
  public ComparisonResult(boolean matches, String reason) {
    this(matches, reason, List.of());
  }

  /** The responses match. */
  public static ComparisonResult match() {
    return MATCH;
  }

  /** The responses differ, for the given reason. */
  public static ComparisonResult differs(String reason) {
    return new ComparisonResult(false, reason);
  }

  /** The responses differ, for the given reason, at the given places. */
  public static ComparisonResult differs(String reason, List<Difference> differences) {
    return new ComparisonResult(false, reason, differences);
  }
}

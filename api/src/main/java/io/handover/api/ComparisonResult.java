package io.handover.api;

/**
 * A comparator's verdict on two responses.
 *
 * <p>Immutable.
 *
 * @param matches whether the candidate's response may be served in place of the target's
 * @param reason why they differ, for the admin API's mismatch log; empty when they match; not null
 */
public record ComparisonResult(boolean matches, String reason) {

  private static final ComparisonResult MATCH = new ComparisonResult(true, "");

  public ComparisonResult {
    java.util.Objects.requireNonNull(reason, "reason is null");
  }

  /** The responses match. */
  public static ComparisonResult match() {
    return MATCH;
  }

  /** The responses differ, for the given reason. */
  public static ComparisonResult differs(String reason) {
    return new ComparisonResult(false, reason);
  }
}

package io.handover.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A version label such as {@code "1.10"} or {@code "2.0-rc1"}, ordered naturally rather than as a
 * string: {@code 1.9 < 1.10 < 2.0}, and {@code "03"} equals {@code "3"}.
 *
 * <p>The label is split into segments at {@code .}, {@code -}, {@code _} and {@code +}, and at every
 * change between digits and letters. Numeric segments compare as numbers, other segments compare as
 * case-insensitive text, and a numeric segment sorts after a textual one (so {@code 2.0-rc1 < 2.0.1}).
 * Missing trailing numeric zero segments are ignored: {@code 1.0} equals {@code 1}.
 *
 * <p>Immutable and thread-safe. Never null-valued: {@link #parse} rejects null and blank labels.
 */
public final class VersionNumber implements Comparable<VersionNumber> {

  /** The version a cluster gets when it names none, as in the original REST API. */
  public static final VersionNumber DEFAULT = parse("0.0");

  private final String label;
  private final List<Object> segments;

  private VersionNumber(String label, List<Object> segments) {
    this.label = label;
    this.segments = segments;
  }

  /**
   * Parses a label.
   *
   * @throws IllegalArgumentException if the label is null or blank
   */
  public static VersionNumber parse(String label) {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("a version must not be blank");
    }
    String trimmed = label.strip();
    List<Object> segments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    Boolean digits = null;
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c == '.' || c == '-' || c == '_' || c == '+') {
        flush(current, digits, segments);
        digits = null;
        continue;
      }
      boolean isDigit = c >= '0' && c <= '9';
      if (digits != null && digits != isDigit) {
        flush(current, digits, segments);
      }
      digits = isDigit;
      current.append(c);
    }
    flush(current, digits, segments);
    while (!segments.isEmpty() && isZero(segments.get(segments.size() - 1))) {
      segments.remove(segments.size() - 1);
    }
    return new VersionNumber(trimmed, List.copyOf(segments));
  }

  private static boolean isZero(Object segment) {
    return segment instanceof java.math.BigInteger n && n.signum() == 0;
  }

  private static void flush(StringBuilder current, Boolean digits, List<Object> segments) {
    if (current.length() == 0) {
      return;
    }
    String text = current.toString();
    segments.add(Boolean.TRUE.equals(digits) ? new java.math.BigInteger(text) : text.toLowerCase(java.util.Locale.ROOT));
    current.setLength(0);
  }

  /** The label as it was given (trimmed), for display and for the admin API. Never null. */
  public String label() {
    return label;
  }

  @Override
  public int compareTo(VersionNumber other) {
    int n = Math.max(segments.size(), other.segments.size());
    for (int i = 0; i < n; i++) {
      Object a = i < segments.size() ? segments.get(i) : null;
      Object b = i < other.segments.size() ? other.segments.get(i) : null;
      int c = compareSegments(a, b);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int compareSegments(Object a, Object b) {
    if (a == null) {
      // a missing number counts as 0 ("2" == "2.0" < "2.0.1"); a missing word is a release,
      // which sorts after its pre-releases ("2.0-rc1" < "2.0")
      return b instanceof String ? 1 : java.math.BigInteger.ZERO.compareTo((java.math.BigInteger) b);
    }
    if (b == null) {
      return -compareSegments(b, a);
    }
    if (a instanceof java.math.BigInteger x && b instanceof java.math.BigInteger y) {
      return x.compareTo(y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return a instanceof String ? -1 : 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionNumber other && segments.equals(other.segments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(segments);
  }

  @Override
  public String toString() {
    return label;
  }
}

package io.handover.comparators;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Finds where two {@link Json} documents first differ, to say so in a mismatch reason. */
final class JsonDiff {

  private static final int MAX_RENDERED = 60;

  private JsonDiff() {}

  /**
   * Where two documents first differ, as {@code "at /items/1/name: \"a\" vs \"b\""}, or null when
   * they are equal. Recursion is bounded by {@link Json#MAX_DEPTH}.
   */
  static String firstDifference(Object target, Object candidate) {
    return difference(target, candidate, "");
  }

  private static String difference(Object a, Object b, String path) {
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      for (Map.Entry<?, ?> e : x.entrySet()) {
        String child = path + "/" + JsonPointer.escape((String) e.getKey());
        if (!y.containsKey(e.getKey())) {
          return describe(child, render(e.getValue()), "absent");
        }
        String d = difference(e.getValue(), y.get(e.getKey()), child);
        if (d != null) {
          return d;
        }
      }
      for (Map.Entry<?, ?> e : y.entrySet()) {
        if (!x.containsKey(e.getKey())) {
          return describe(path + "/" + JsonPointer.escape((String) e.getKey()), "absent", render(e.getValue()));
        }
      }
      return null;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      int common = Math.min(x.size(), y.size());
      for (int i = 0; i < common; i++) {
        String d = difference(x.get(i), y.get(i), path + "/" + i);
        if (d != null) {
          return d;
        }
      }
      if (x.size() != y.size()) {
        String first = x.size() > common ? render(x.get(common)) : "absent";
        String second = y.size() > common ? render(y.get(common)) : "absent";
        return describe(path + "/" + common, first, second);
      }
      return null;
    }
    return Objects.equals(a, b) ? null : describe(path, render(a), render(b));
  }

  private static String describe(String path, String a, String b) {
    return (path.isEmpty() ? "at the root" : "at " + path) + ": " + a + " vs " + b;
  }

  private static String render(Object value) {
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      for (int i = 0; i < s.length() && i < MAX_RENDERED; i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append(s.length() > MAX_RENDERED ? "…\"" : "\"").toString();
    }
    return String.valueOf(value);
  }
}

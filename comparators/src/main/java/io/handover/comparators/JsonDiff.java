package io.handover.comparators;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/** Finds where two JSON trees first differ, to say so in a mismatch reason. */
final class JsonDiff {

  private static final int MAX_RENDERED = 60;

  private JsonDiff() {}

  /**
   * Where two documents first differ, as {@code "at /items/1/name: \"a\" vs \"b\""}, or null when
   * they are equal. Member order does not matter and numbers compare by value. Recursion is bounded
   * by {@link JsonBody#MAX_DEPTH}.
   */
  static String firstDifference(JsonNode target, JsonNode candidate) {
    return difference(target, candidate, JsonPointer.empty());
  }

  private static String difference(JsonNode a, JsonNode b, JsonPointer path) {
    if (a.isObject() && b.isObject()) {
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonPointer child = path.appendProperty(e.getKey());
        String d = b.has(e.getKey()) ? difference(e.getValue(), b.get(e.getKey()), child)
            : describe(child, render(e.getValue()), "absent");
        if (d != null) {
          return d;
        }
      }
      for (Map.Entry<String, JsonNode> e : b.properties()) {
        if (!a.has(e.getKey())) {
          return describe(path.appendProperty(e.getKey()), "absent", render(e.getValue()));
        }
      }
      return null;
    }
    if (a.isArray() && b.isArray()) {
      int common = Math.min(a.size(), b.size());
      for (int i = 0; i < common; i++) {
        String d = difference(a.get(i), b.get(i), path.appendIndex(i));
        if (d != null) {
          return d;
        }
      }
      if (a.size() != b.size()) {
        String first = a.size() > common ? render(a.get(common)) : "absent";
        String second = b.size() > common ? render(b.get(common)) : "absent";
        return describe(path.appendIndex(common), first, second);
      }
      return null;
    }
    boolean same = a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    return same ? null : describe(path, render(a), render(b));
  }

  private static String describe(JsonPointer path, String a, String b) {
    return (path.matches() ? "at the root" : "at " + path) + ": " + a + " vs " + b;
  }

  private static String render(JsonNode value) {
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "an array";
    }
    if (value.isMissingNode()) {
      return "(ignored)";
    }
    if (value.isTextual() && value.textValue().length() > MAX_RENDERED) {
      String quoted = TextNode.valueOf(value.textValue().substring(0, MAX_RENDERED)).toString();
      return quoted.substring(0, quoted.length() - 1) + "…\"";
    }
    return value.toString();
  }
}

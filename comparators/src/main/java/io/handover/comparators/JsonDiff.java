package io.handover.comparators;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.handover.api.Difference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds where two JSON trees first differ, to say so in a mismatch reason. */
final class JsonDiff {

  private static final int MAX_RENDERED = 80;

  private JsonDiff() {}

  /**
   * Where two documents first differ, as {@code "at /items/1/name: \"a\" vs \"b\""}, or null when
   * they are equal. Member order does not matter and numbers compare by value. Recursion is bounded
   * by {@link JsonBody#MAX_DEPTH}.
   */
  static String firstDifference(JsonNode target, JsonNode candidate) {
    return difference(target, candidate, JsonPointer.empty());
  }

  /**
   * Every place, up to {@code limit}, where two documents differ, each with both values shortened
   * for display; empty when they are equal. Same rules as {@link #firstDifference}.
   */
  static List<Difference> differences(JsonNode target, JsonNode candidate, int limit) {
    List<Difference> out = new ArrayList<>();
    collect(target, candidate, JsonPointer.empty(), out, limit);
    return out;
  }

  /** A reason naming each difference, e.g. {@code body JSON differs at /a: 1 vs 2; at /b: ...}. */
  static String describe(List<Difference> differences) {
    StringBuilder out = new StringBuilder("body JSON differs ");
    for (int i = 0; i < differences.size(); i++) {
      Difference d = differences.get(i);
      out.append(i == 0 ? "" : "; ").append(d.name().isEmpty() ? "at the root" : "at " + d.name())
          .append(": ").append(d.target()).append(" vs ").append(d.candidate());
    }
    return out.toString();
  }

  private static void collect(JsonNode a, JsonNode b, JsonPointer path, List<Difference> out, int limit) {
    if (out.size() >= limit) {
      return;
    }
    if (a.isObject() && b.isObject()) {
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonPointer child = path.appendProperty(e.getKey());
        if (b.has(e.getKey())) {
          collect(e.getValue(), b.get(e.getKey()), child, out, limit);
        } else {
          add(out, limit, child, render(e.getValue()), "absent");
        }
      }
      for (Map.Entry<String, JsonNode> e : b.properties()) {
        if (!a.has(e.getKey())) {
          add(out, limit, path.appendProperty(e.getKey()), "absent", render(e.getValue()));
        }
      }
      return;
    }
    if (a.isArray() && b.isArray()) {
      int common = Math.min(a.size(), b.size());
      for (int i = 0; i < common; i++) {
        collect(a.get(i), b.get(i), path.appendIndex(i), out, limit);
      }
      for (int i = common; i < Math.max(a.size(), b.size()); i++) {
        add(out, limit, path.appendIndex(i), a.size() > i ? render(a.get(i)) : "absent", b.size() > i ? render(b.get(i)) : "absent");
      }
      return;
    }
    boolean same = a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    if (!same) {
      add(out, limit, path, render(a), render(b));
    }
  }

  private static void add(List<Difference> out, int limit, JsonPointer path, String a, String b) {
    if (out.size() < limit) {
      out.add(new Difference(Difference.Kind.BODY, path.toString(), a, b));
    }
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

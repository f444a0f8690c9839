package io.handover.comparators;

import io.handover.api.ComparisonResult;
import io.handover.api.Difference;
import io.handover.api.Ignores;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code headers}: the responses match when the configured headers have the same values.
 *
 * <p>Setting {@code headers}: a list of header names (a single string is taken as a list of one),
 * default {@code ["Content-Type"]}. Names are case-insensitive. All values of a header are compared
 * exactly and in order, except {@code Content-Type}, which is compared as a media type: type,
 * subtype, parameter names and the {@code charset} value ignore case, whitespace around parts is
 * ignored and quoted parameter values equal their unquoted form. A header missing on both sides
 * is equal.
 *
 * <p>Setting {@code ignoreHeaders}: header names left out of the comparison even when listed in
 * {@code headers} (where accepted noise goes), default none. Headers the engine learned to be noise
 * are left out too. A mismatch names each differing header with both values.
 *
 * <p>Comparators are immutable and thread-safe; they are called concurrently on worker threads and
 * do no blocking work.
 */
public final class HeadersComparatorFactory implements ResponseComparatorFactory {

  static final String HEADERS = "headers";
  static final String IGNORE_HEADERS = "ignoreHeaders";
  static final List<String> DEFAULT_HEADERS = List.of("Content-Type");
  private static final int MAX_RENDERED = 80;

  @Override
  public String name() {
    return "headers";
  }

  @Override
  public String description() {
    return "Equal values of the listed headers (default Content-Type).";
  }

  @Override
  public ResponseComparator create(Settings settings) {
    Checks.rejectUnknownSettings(settings, name(), List.of(HEADERS, IGNORE_HEADERS));
    List<String> names = settings.strings(HEADERS).orElse(DEFAULT_HEADERS);
    if (names.isEmpty()) {
      throw settings.invalid(HEADERS, "must name at least one header");
    }
    // Lower-case name -> name as configured, for reasons; duplicates in any case collapse.
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : names) {
      if (!isToken(name)) {
        throw settings.invalid(HEADERS, "entry \"" + name + "\" is not a valid header name");
      }
      headers.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
    }
    for (String name : settings.strings(IGNORE_HEADERS).orElse(List.of())) {
      if (!isToken(name)) {
        throw settings.invalid(IGNORE_HEADERS, "entry \"" + name + "\" is not a valid header name");
      }
      headers.remove(name.toLowerCase(Locale.ROOT));
    }
    return new HeadersComparator(Map.copyOf(headers), List.copyOf(headers.keySet()));
  }

  /** Whether a name is an RFC 9110 token, the syntax of a header name. */
  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private record HeadersComparator(Map<String, String> displayNames, List<String> names)
      implements ResponseComparator {

    @Override
    public ComparisonResult compare(ResponseSummary target, ResponseSummary candidate) {
      return compare(target, candidate, Ignores.NONE);
    }

    @Override
    public ComparisonResult compare(ResponseSummary target, ResponseSummary candidate, Ignores extra) {
      String unusable = Checks.unusable(target, candidate);
      if (unusable != null) {
        return ComparisonResult.differs(unusable);
      }
      List<String> reasons = null;
      List<Difference> differences = null;
      for (String name : names) {
        if (extra.headers().contains(name)) {
          continue;
        }
        List<String> old = values(target, name);
        List<String> now = values(candidate, name);
        boolean same = name.equals("content-type")
            ? normalizeContentTypes(old).equals(normalizeContentTypes(now))
            : old.equals(now);
        if (!same) {
          if (reasons == null) {
            reasons = new ArrayList<>();
            differences = new ArrayList<>();
          }
          reasons.add("header " + displayNames.get(name) + " " + render(old) + " vs " + render(now));
          differences.add(new Difference(Difference.Kind.HEADER, name, render(old), render(now)));
        }
      }
      return reasons == null ? ComparisonResult.match() : ComparisonResult.differs(String.join("; ", reasons), differences);
    }

    /** The values of a header; names should arrive lower case, but other spellings are tolerated. */
    private static List<String> values(ResponseSummary summary, String lowerName) {
      List<String> values = summary.headers().get(lowerName);
      if (values == null) {
        for (Map.Entry<String, List<String>> e : summary.headers().entrySet()) {
          if (e.getKey().equalsIgnoreCase(lowerName)) {
            values = e.getValue();
            break;
          }
        }
      }
      return values == null ? List.of() : values;
    }

    private static String render(List<String> values) {
      if (values.isEmpty()) {
        return "absent";
      }
      List<String> quoted = new ArrayList<>(values.size());
      for (String v : values) {
        quoted.add("\"" + (v.length() > MAX_RENDERED ? v.substring(0, MAX_RENDERED) + "…" : v) + "\"");
      }
      return String.join(", ", quoted);
    }
  }

  private static List<String> normalizeContentTypes(List<String> values) {
    List<String> out = new ArrayList<>(values.size());
    for (String v : values) {
      out.add(v == null ? null : normalizeContentType(v));
    }
    return out;
  }

  /**
   * A canonical form of a Content-Type value, e.g. {@code Text/HTML ; Charset="UTF-8"} becomes
   * {@code text/html;charset=utf-8}. Parameter order is kept.
   */
  static String normalizeContentType(String value) {
    List<String> parts = splitParameters(value);
    StringBuilder out = new StringBuilder(parts.get(0).strip().toLowerCase(Locale.ROOT));
    for (String part : parts.subList(1, parts.size())) {
      String parameter = part.strip();
      if (parameter.isEmpty()) {
        continue;
      }
      int eq = parameter.indexOf('=');
      String name = (eq < 0 ? parameter : parameter.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      out.append(';').append(name);
      if (eq >= 0) {
        String v = unquote(parameter.substring(eq + 1).strip());
        // Charset names are case-insensitive (RFC 9110 8.3.2); other parameter values may not be.
        out.append('=').append(name.equals("charset") ? v.toLowerCase(Locale.ROOT) : v);
      }
    }
    return out.toString();
  }

  /** Splits at semicolons outside quoted strings, so a boundary such as {@code "a;b"} stays whole. */
  private static List<String> splitParameters(String value) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        parts.add(value.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(value.substring(start));
    return parts;
  }

  /** A quoted-string's content (RFC 9110 5.6.4), or the value itself when it is not quoted. */
  private static String unquote(String v) {
    if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      return v;
    }
    StringBuilder out = new StringBuilder(v.length());
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length() - 1) {
        c = v.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}

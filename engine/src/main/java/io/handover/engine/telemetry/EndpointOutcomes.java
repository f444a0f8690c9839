package io.handover.engine.telemetry;

import com.google.common.base.Ticker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version's outcomes per endpoint, so that one broken endpoint among healthy ones shows
 * rather than being averaged away. An endpoint is a method and a path template from the rollback
 * policy's {@code endpoints} (first match wins; {@code *} is one path segment, a last {@code **}
 * any rest), or, without templates, a method and a path as seen with every segment that holds a
 * digit taken as {@code *} (so {@code /api/item/42} counts as {@code /api/item/*}), the first
 * {@value #DEFAULT_TOP} of them. Each endpoint has a window of {@link Outcomes} as long as the
 * policy's.
 *
 * <p>Thread-safe and lock-free on the request path. With templates, finding a request's endpoint
 * scans them without allocating; without, the first request of a new method and path allocates its
 * window, and later requests find it in a map by the path string they already hold.
 */
public final class EndpointOutcomes {

  /** How many paths are kept when no template is configured. */
  public static final int DEFAULT_TOP = 20;

  private final Template[] templates;
  private final Outcomes[] byTemplate;
  private final Map<String, Map<String, Outcomes>> seen = new ConcurrentHashMap<>();
  private final AtomicInteger seenCount = new AtomicInteger();
  private final int slots;
  private final Ticker ticker;

  /**
   * @param templates the policy's {@code endpoints}, e.g. {@code GET /api/cart}, checked by
   *     {@link #problem}; empty to keep the first {@value #DEFAULT_TOP} paths seen
   * @param windowSeconds the policy's window: how many seconds each endpoint keeps
   */
  public EndpointOutcomes(List<String> templates, int windowSeconds, Ticker ticker) {
    this.ticker = ticker;
    this.slots = Math.max(1, Math.min(windowSeconds, 3600));
    this.templates = templates.stream().map(Template::parse).toArray(Template[]::new);
    this.byTemplate = new Outcomes[this.templates.length];
    for (int i = 0; i < byTemplate.length; i++) {
      byTemplate[i] = new Outcomes(ticker, slots);
    }
  }

  public EndpointOutcomes(List<String> templates, int windowSeconds) {
    this(templates, windowSeconds, Ticker.systemTicker());
  }

  /**
   * Why an {@code endpoints} entry is not valid, or null when it is: a method, one space, and a
   * path starting with {@code /}.
   */
  public static String problem(String template) {
    int space = template.indexOf(' ');
    if (space <= 0 || template.indexOf(' ', space + 1) >= 0) {
      return "must be a method, a space and a path, e.g. \"GET /api/cart\" or \"POST /api/order/*\"";
    }
    String method = template.substring(0, space);
    if (!method.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) {
      return "the method \"" + method + "\" must be upper case, e.g. GET";
    }
    String path = template.substring(space + 1);
    if (!path.startsWith("/")) {
      return "the path must start with \"/\"";
    }
    int rest = path.indexOf("**");
    if (rest >= 0 && (rest != path.length() - 2 || path.charAt(rest - 1) != '/')) {
      return "\"**\" may only be the last segment";
    }
    return null;
  }

  /** The window of a request's endpoint, or null when it has none (no template matches, or too many paths). */
  public Outcomes of(String method, String path) {
    if (templates.length > 0) {
      for (int i = 0; i < templates.length; i++) {
        if (templates[i].matches(method, path)) {
          return byTemplate[i];
        }
      }
      return null;
    }
    path = generalized(path);
    Map<String, Outcomes> paths = seen.get(method);
    Outcomes o = paths == null ? null : paths.get(path);
    if (o != null || seenCount.get() >= DEFAULT_TOP) {
      return o;
    }
    if (seenCount.incrementAndGet() > DEFAULT_TOP) {
      seenCount.decrementAndGet();
      return null;
    }
    Outcomes fresh = new Outcomes(ticker, slots);
    Outcomes raced = seen.computeIfAbsent(method, m -> new ConcurrentHashMap<>()).putIfAbsent(path, fresh);
    if (raced != null) {
      seenCount.decrementAndGet();
      return raced;
    }
    return fresh;
  }

  /**
   * The path with each segment that holds a digit replaced by {@code *}: ids and dates do not make
   * endpoints of their own. The path itself, not a copy, when it has none.
   */
  static String generalized(String path) {
    int n = path.length();
    int i = 0;
    while (i < n && (path.charAt(i) < '0' || path.charAt(i) > '9')) {
      i++;
    }
    if (i == n) {
      return path;
    }
    StringBuilder out = new StringBuilder(n);
    int start = 0;
    while (start < n) {
      int end = path.indexOf('/', start + 1);
      if (end < 0) {
        end = n;
      }
      boolean digit = false;
      for (int j = start; j < end && !digit; j++) {
        digit = path.charAt(j) >= '0' && path.charAt(j) <= '9';
      }
      out.append(digit ? (path.charAt(start) == '/' ? "/*" : "*") : path.substring(start, end));
      start = end;
    }
    return out.toString();
  }

  /** Every endpoint's window, by its name (e.g. {@code GET /api/cart}), templates in their order. */
  public Map<String, Outcomes> windows() {
    Map<String, Outcomes> out = new LinkedHashMap<>();
    for (int i = 0; i < templates.length; i++) {
      out.put(templates[i].text, byTemplate[i]);
    }
    seen.forEach((method, paths) -> paths.forEach((path, o) -> out.put(method + " " + path, o)));
    return out;
  }

  /** Forgets what happened so far, as {@link Outcomes#restart} does. */
  public void restart() {
    windows().values().forEach(Outcomes::restart);
  }

  /** A parsed {@code METHOD /path/*} template. */
  private record Template(String text, String method, String[] segments, boolean rest) {

    static Template parse(String text) {
      String problem = problem(text);
      if (problem != null) {
        throw new IllegalArgumentException(text + ": " + problem);
      }
      int space = text.indexOf(' ');
      String path = text.substring(space + 1);
      boolean rest = path.endsWith("/**");
      if (rest) {
        path = path.substring(0, path.length() - 3);
      }
      List<String> segments = new ArrayList<>();
      for (String s : path.split("/")) {
        if (!s.isEmpty()) {
          segments.add(s);
        }
      }
      return new Template(text, text.substring(0, space).toUpperCase(Locale.ROOT), segments.toArray(String[]::new), rest);
    }

    /** Walks the path's segments in place: no allocation. */
    boolean matches(String requestMethod, String path) {
      if (!method.equals(requestMethod)) {
        return false;
      }
      int n = path.length();
      int pos = 0;
      for (String segment : segments) {
        if (pos >= n || path.charAt(pos) != '/') {
          return false;
        }
        pos++;
        int end = path.indexOf('/', pos);
        if (end < 0) {
          end = n;
        }
        boolean same = segment.equals("*") ? end > pos
            : end - pos == segment.length() && path.regionMatches(pos, segment, 0, segment.length());
        if (!same) {
          return false;
        }
        pos = end;
      }
      return rest || pos == n || (segments.length == 0 && path.equals("/"));
    }
  }
}

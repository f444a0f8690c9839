package io.handover.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of a strategy or comparator: a JSON object as plain Java values (String, Number,
 * Boolean, List, Map), with typed getters that fail with an {@link InvalidSettingException} naming
 * the setting's path.
 *
 * <p>Immutable and thread-safe. Getters never return null; optional ones return {@link Optional}.
 */
public final class Settings {

  private final Map<String, Object> values;
  private final String path;

  private Settings(Map<String, Object> values, String path) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.path = path;
  }

  /** Settings over the given values (copied). Null values are dropped. */
  public static Settings of(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v != null) {
        copy.put(k, v);
      }
    });
    return new Settings(copy, "");
  }

  /** No settings. */
  public static Settings empty() {
    return new Settings(Map.of(), "");
  }

  /** The raw values, unmodifiable, in their original order. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** The names of the settings present. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** Whether a setting is present. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The full path of a setting of this object, for error messages. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** A string setting, or empty when absent. Numbers and booleans are accepted as their text. */
  public Optional<String> string(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return Optional.of(v.toString());
    }
    throw invalid(key, "must be a string");
  }

  /** A number setting, or empty when absent. Numeric strings such as {@code "60"} are accepted. */
  public Optional<BigDecimal> number(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      if (v instanceof BigDecimal d) {
        return Optional.of(d);
      }
      if (v instanceof Number || v instanceof String) {
        return Optional.of(new BigDecimal(v.toString().strip()));
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw invalid(key, "must be a number");
  }

  /**
   * A required number in {@code (min, max]} when {@code exclusiveMin}, else {@code [min, max]}.
   *
   * @throws InvalidSettingException when absent, not a number or out of range
   */
  public double requireNumber(String key, double min, boolean exclusiveMin, double max) {
    double d = number(key).orElseThrow(() -> invalid(key, "is required")).doubleValue();
    checkRange(key, d, min, exclusiveMin, max);
    return d;
  }

  /** An optional number in range, or {@code fallback} when absent. */
  public double number(String key, double fallback, double min, boolean exclusiveMin, double max) {
    Optional<BigDecimal> n = number(key);
    if (n.isEmpty()) {
      return fallback;
    }
    double d = n.get().doubleValue();
    checkRange(key, d, min, exclusiveMin, max);
    return d;
  }

  /** An optional whole number in {@code [min, max]}, or {@code fallback} when absent. */
  public long whole(String key, long fallback, long min, long max) {
    Optional<BigDecimal> n = number(key);
    if (n.isEmpty()) {
      return fallback;
    }
    try {
      long l = n.get().longValueExact();
      if (l < min || l > max) {
        throw invalid(key, "must be between " + min + " and " + max);
      }
      return l;
    } catch (ArithmeticException e) {
      throw invalid(key, "must be a whole number");
    }
  }

  /** A boolean setting, or {@code fallback} when absent. Accepts true/false and their strings. */
  public boolean bool(String key, boolean fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equalsIgnoreCase(v.toString()) || "false".equalsIgnoreCase(v.toString())) {
      return Boolean.parseBoolean(v.toString());
    }
    throw invalid(key, "must be true or false");
  }

  /** A list of strings, or empty when absent. A single string is taken as a list of one. */
  public Optional<List<String>> strings(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String s) {
      return Optional.of(List.of(s));
    }
    if (!(v instanceof List<?> list)) {
      throw invalid(key, "must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object e = list.get(i);
      if (!(e instanceof String s)) {
        throw invalid(key + "[" + i + "]", "must be a string");
      }
      out.add(s);
    }
    return Optional.of(List.copyOf(out));
  }

  /** A nested object, or empty when absent. Errors inside it carry its path. */
  public Optional<Settings> object(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    return Optional.of(asSettings(v, key));
  }

  /** A list of nested objects, or empty when absent. Errors inside carry {@code key[i]}. */
  public Optional<List<Settings>> objects(String key) {
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof List<?> list)) {
      throw invalid(key, "must be a list of objects");
    }
    List<Settings> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(asSettings(list.get(i), key + "[" + i + "]"));
    }
    return Optional.of(List.copyOf(out));
  }

  private Settings asSettings(Object v, String key) {
    if (!(v instanceof Map<?, ?> map)) {
      throw invalid(key, "must be an object");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, val) -> {
      if (val != null) {
        copy.put(String.valueOf(k), val);
      }
    });
    return new Settings(copy, pathOf(key));
  }

  /** An {@link InvalidSettingException} for a setting of this object, with its full path. */
  public InvalidSettingException invalid(String key, String message) {
    return new InvalidSettingException(pathOf(key), pathOf(key) + " " + message);
  }

  private void checkRange(String key, double d, double min, boolean exclusiveMin, double max) {
    boolean low = exclusiveMin ? d <= min : d < min;
    if (low || d > max || Double.isNaN(d)) {
      String lower = exclusiveMin ? "greater than " + fmt(min) : "at least " + fmt(min);
      throw invalid(key, "must be " + lower + " and at most " + fmt(max));
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}

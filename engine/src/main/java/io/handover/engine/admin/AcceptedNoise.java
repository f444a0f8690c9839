package io.handover.engine.admin;

import io.handover.api.Difference;
import io.handover.api.Ignores;
import io.handover.api.Settings;
import io.handover.engine.telemetry.NoiseStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Learned noise made permanent: the JSON pointers go to the {@code body} comparator's
 * {@code ignoreJsonPointers}, the headers to the {@code headers} comparator's {@code ignoreHeaders},
 * in the CONCURRENT transition's {@code comparatorSettings}. Places of a comparator the transition
 * does not use are not taken. Immutable.
 *
 * @param jsonPointers the pointers taken; not null
 * @param headers the header names taken, lower case; not null
 */
record AcceptedNoise(List<String> jsonPointers, List<String> headers) {

  private static final List<String> DEFAULT_COMPARATORS = List.of("status", "headers", "body");

  /** What of the learned places a transition can take. */
  static AcceptedNoise of(Settings transition, List<NoiseStats.Noise> places) {
    List<String> comparators = transition.strings("comparators").orElse(DEFAULT_COMPARATORS);
    boolean body = comparators.stream().anyMatch("body"::equalsIgnoreCase);
    boolean headers = comparators.stream().anyMatch("headers"::equalsIgnoreCase);
    List<String> pointers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (NoiseStats.Noise n : places) {
      if (n.kind() == Difference.Kind.BODY && body) {
        pointers.add(n.name());
      } else if (n.kind() == Difference.Kind.HEADER && headers) {
        names.add(n.name());
      }
    }
    return new AcceptedNoise(List.copyOf(pointers), List.copyOf(names));
  }

  boolean isEmpty() {
    return jsonPointers.isEmpty() && headers.isEmpty();
  }

  Ignores asIgnores() {
    return new Ignores(Set.copyOf(jsonPointers), Set.copyOf(headers));
  }

  /** The transition with these places added to what its comparators already ignore. */
  Settings applyTo(Settings transition) {
    Map<String, Object> root = new LinkedHashMap<>(transition.asMap());
    Map<String, Object> all = new LinkedHashMap<>(transition.object("comparatorSettings").map(Settings::asMap).orElse(Map.of()));
    if (!jsonPointers.isEmpty()) {
      add(all, "body", "ignoreJsonPointers", jsonPointers);
    }
    if (!headers.isEmpty()) {
      add(all, "headers", "ignoreHeaders", headers);
    }
    root.put("comparatorSettings", all);
    return Settings.of(root);
  }

  @SuppressWarnings("unchecked")
  private static void add(Map<String, Object> all, String comparator, String key, List<String> values) {
    String name = all.keySet().stream().filter(comparator::equalsIgnoreCase).findFirst().orElse(comparator);
    Object current = all.get(name);
    Map<String, Object> own = new LinkedHashMap<>(current instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    Set<String> merged = new LinkedHashSet<>();
    Object given = own.get(key);
    if (given instanceof String one) {
      merged.add(one);
    } else if (given instanceof List<?> list) {
      list.forEach(v -> merged.add(String.valueOf(v)));
    }
    for (String v : values) {
      if (merged.stream().noneMatch(m -> key.equals("ignoreHeaders") ? m.equalsIgnoreCase(v) : m.equals(v))) {
        merged.add(v);
      }
    }
    own.put(key, List.copyOf(merged));
    all.put(name, own);
  }

  /** How the change is named in the version's history. */
  String describe() {
    List<String> parts = new ArrayList<>();
    jsonPointers.forEach(p -> parts.add("body " + p));
    headers.forEach(h -> parts.add("header " + h.toLowerCase(Locale.ROOT)));
    return "noise accepted: " + String.join(", ", parts);
  }
}

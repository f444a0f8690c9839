package io.handover.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.Settings;
import io.handover.engine.json.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code upgradeTransition} each mode is measured with. Override one with the system property
 * {@code handover.bench.transition.MODE}, e.g.
 * {@code -Dhandover.bench.transition.GRADUAL={"mode":"GRADUAL","percentageTransitionPerRequest":0.5}}.
 */
final class Transitions {

  private static final Map<String, String> DEFAULTS = Map.of(
      "INSTANT", "{\"mode\":\"INSTANT\"}",
      "SESSION", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}",
      // 0.001 % per request: the rollout is still moving after a million requests
      "GRADUAL", "{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":0.001}",
      "CONCURRENT", "{\"mode\":\"CONCURRENT\"}");

  private Transitions() {}

  /** The {@code upgradeTransition} object for a mode. */
  static ObjectNode json(String mode) {
    String upper = mode.toUpperCase(Locale.ROOT);
    String text = System.getProperty("handover.bench.transition." + upper,
        DEFAULTS.getOrDefault(upper, "{\"mode\":\"" + upper + "\"}"));
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalArgumentException("the transition of " + upper + " must be a JSON object: " + text);
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the transition of " + upper + " is not JSON: " + text, e);
    }
  }

  /** The same, as the {@link Settings} a strategy factory gets. */
  @SuppressWarnings("unchecked")
  static Settings settings(String mode) {
    Map<String, Object> values = Json.MAPPER.convertValue(json(mode), LinkedHashMap.class);
    values.put("mode", mode.toUpperCase(Locale.ROOT));
    return Settings.of(values);
  }
}

package io.handover.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.VersionPolicies;
import io.handover.engine.registry.ServerAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The cluster JSON of the admin API and the config file, in the original REST API's format:
 * {@code {"cluster":{"servers":[{"hostname":"127.0.0.1","port":1036}],"version":"1.1",
 * "upgradeTransition":{"mode":"SESSION","sessionTimeout":60},"uuid":"..."}}}, plus the optional
 * policies and rollout state of {@link PolicyJson}.
 */
public final class ClusterJson {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ClusterJson() {}

  /** Parses a request body; the error names the field. */
  public static ClusterConfig parseBody(byte[] body, long nowMillis) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw JsonInputException.raw("", "malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw JsonInputException.raw("", "unreadable body: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw JsonInputException.raw("cluster", "the body is empty; expected {\"cluster\":{...}}");
    }
    return parseWrapped(root, "", nowMillis);
  }

  /** Parses {@code {"cluster":{...}}}; {@code prefix} is the path of the wrapper object. */
  public static ClusterConfig parseWrapped(JsonNode root, String prefix, long nowMillis) {
    String field = join(prefix, "cluster");
    if (!root.isObject() || !root.has("cluster")) {
      throw JsonInputException.raw(field, field + " is required: expected {\"cluster\":{...}}");
    }
    return parse(root.get("cluster"), field, nowMillis);
  }

  /** Parses a cluster object whose path is {@code field}. */
  public static ClusterConfig parse(JsonNode cluster, String field, long nowMillis) {
    if (!cluster.isObject()) {
      throw JsonInputException.raw(field, field + " must be an object");
    }
    List<ServerAddress> servers = servers(cluster.get("servers"), field + ".servers");
    VersionNumber version = version(cluster.get("version"), field + ".version");
    Settings transition = transition(cluster.get("upgradeTransition"), field + ".upgradeTransition");
    String id = id(cluster.get("uuid"), field + ".uuid");
    long addedAt = cluster.hasNonNull("addedAtMillis") && cluster.get("addedAtMillis").canConvertToLong()
        ? cluster.get("addedAtMillis").asLong() : nowMillis;
    VersionPolicies policies = PolicyJson.parse(cluster, field);
    RolloutState rollout = PolicyJson.parseState(cluster, field, policies.promote().size());
    return new ClusterConfig(id, version, servers, transition, addedAt, policies, rollout);
  }

  private static List<ServerAddress> servers(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw JsonInputException.raw(field, field + " is required: at least one {\"hostname\":...,\"port\":...}");
    }
    if (!node.isArray()) {
      throw JsonInputException.raw(field, field + " must be an array");
    }
    if (node.isEmpty()) {
      throw JsonInputException.raw(field, field + " must name at least one server");
    }
    List<ServerAddress> servers = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode s = node.get(i);
      if (!s.isObject()) {
        throw JsonInputException.raw(at, at + " must be an object with hostname (or ip) and port");
      }
      JsonNode host = s.hasNonNull("hostname") ? s.get("hostname") : s.get("ip");
      String hostField = s.hasNonNull("hostname") ? at + ".hostname" : at + ".ip";
      if (host == null || host.isNull()) {
        throw JsonInputException.raw(at + ".hostname", at + ".hostname (or ip) is required");
      }
      if (!host.isTextual() || host.asText().isBlank() || host.asText().strip().contains(" ")) {
        throw JsonInputException.raw(hostField, hostField + " must be a host name or IP address");
      }
      servers.add(new ServerAddress(host.asText().strip(), port(s.get("port"), at + ".port")));
    }
    return List.copyOf(servers);
  }

  private static int port(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw JsonInputException.raw(field, field + " is required");
    }
    long port;
    if (node.isIntegralNumber()) {
      port = node.canConvertToLong() ? node.asLong() : -1;
    } else if (node.isTextual() && node.asText().strip().matches("\\d{1,5}")) {
      port = Long.parseLong(node.asText().strip());
    } else {
      throw JsonInputException.raw(field, field + " must be a whole number from 1 to 65535");
    }
    if (port < 1 || port > 65535) {
      throw JsonInputException.raw(field, field + " must be from 1 to 65535, not " + node.asText());
    }
    return (int) port;
  }

  private static VersionNumber version(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return VersionNumber.DEFAULT;
    }
    String label;
    if (node.isTextual()) {
      label = node.asText();
    } else if (node.isNumber()) {
      label = node.decimalValue().toPlainString();
    } else {
      throw JsonInputException.raw(field, field + " must be a string or a number");
    }
    if (label.isBlank()) {
      throw JsonInputException.raw(field, field + " must not be blank");
    }
    return VersionNumber.parse(label);
  }

  static Settings transition(JsonNode node, String field) {
    Map<String, Object> values = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      values.put("mode", "INSTANT");
      return Settings.of(values);
    }
    if (!node.isObject()) {
      throw JsonInputException.raw(field, field + " must be an object such as {\"mode\":\"INSTANT\"}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> raw = Json.MAPPER.convertValue(node, LinkedHashMap.class);
    JsonNode mode = node.get("mode");
    if (mode != null && !mode.isNull() && (!mode.isTextual() || mode.asText().isBlank())) {
      throw JsonInputException.raw(field + ".mode", field + ".mode must be a mode name such as \"INSTANT\"");
    }
    // As in the original API, an upgradeTransition without a mode means SESSION.
    values.put("mode", mode == null || mode.isNull() ? "SESSION" : mode.asText().strip().toUpperCase(Locale.ROOT));
    raw.forEach((k, v) -> {
      if (!k.equals("mode")) {
        values.put(k, v);
      }
    });
    return Settings.of(values);
  }

  private static String id(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return UUID.randomUUID().toString();
    }
    if (!node.isTextual() || !ID.matcher(node.asText()).matches()) {
      throw JsonInputException.raw(field, field + " must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return node.asText();
  }

  /** {@code {"cluster":{...}}} as the admin API returns it. */
  public static ObjectNode toJson(ClusterConfig c) {
    ObjectNode cluster = Json.MAPPER.createObjectNode();
    ArrayNode servers = cluster.putArray("servers");
    for (ServerAddress s : c.servers()) {
      servers.addObject().put("hostname", s.host()).put("port", s.port());
    }
    cluster.set("upgradeTransition", Json.MAPPER.valueToTree(c.transition().asMap()));
    PolicyJson.format(c.policies(), cluster);
    cluster.put("uuid", c.id());
    cluster.put("version", c.version().label());
    PolicyJson.formatState(c.rollout(), cluster);
    ObjectNode wrapper = Json.MAPPER.createObjectNode();
    wrapper.set("cluster", cluster);
    return wrapper;
  }

  /** The form kept in the state file: the API form plus when the version was added. */
  public static ObjectNode toStoredJson(ClusterConfig c) {
    ObjectNode json = toJson(c);
    ((ObjectNode) json.get("cluster")).put("addedAtMillis", c.addedAtMillis());
    return json;
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}

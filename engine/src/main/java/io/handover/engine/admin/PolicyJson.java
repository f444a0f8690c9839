package io.handover.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.VersionState;
import io.handover.engine.registry.HealthCheck;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.VersionPolicies;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The optional parts of the cluster JSON beside {@code servers} and {@code upgradeTransition}:
 * {@code healthCheck}, {@code rollback} and {@code promote}, and the rollout state the registry keeps
 * ({@code state}, {@code stateReason}, {@code promotionStage}). Each is written only when given or
 * not at its default, so a plain cluster reads as it always did. Errors name the field.
 */
final class PolicyJson {

  private static final Set<String> HEALTH_KEYS = Set.of("path", "intervalMillis", "timeoutMillis", "healthyThreshold", "unhealthyThreshold");
  private static final Set<String> ROLLBACK_KEYS = Set.of("enabled", "windowSeconds", "maxFailureRate", "minRequests", "countMismatches", "confidence");
  private static final Set<String> STAGE_KEYS = Set.of("when", "to");
  private static final Set<String> WHEN_KEYS = Set.of("consecutiveMatches", "rampComplete", "afterSeconds", "minRequests", "maxFailureRate");

  private PolicyJson() {}

  /** The policies of the cluster object at {@code field}. */
  static VersionPolicies parse(JsonNode cluster, String field) {
    return new VersionPolicies(
        healthCheck(cluster.get("healthCheck"), field + ".healthCheck"),
        rollback(cluster.get("rollback"), field + ".rollback"),
        promote(cluster.get("promote"), field + ".promote"));
  }

  /** The rollout state of the cluster object at {@code field}; {@link RolloutState#INITIAL} when absent. */
  static RolloutState parseState(JsonNode cluster, String field, int stages) {
    VersionState state = VersionState.ACTIVE;
    JsonNode s = cluster.get("state");
    if (s != null && !s.isNull()) {
      try {
        state = VersionState.valueOf(s.asText().strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(field + ".state", field + ".state must be ACTIVE or ROLLED_BACK");
      }
    }
    JsonNode r = cluster.get("stateReason");
    if (r != null && !r.isNull() && !r.isTextual()) {
      throw new BadRequestException(field + ".stateReason", field + ".stateReason must be a string");
    }
    String reason = r == null || r.isNull() ? null : r.asText();
    int stage = (int) whole(cluster, "promotionStage", field + ".promotionStage", 0, 0, stages);
    return new RolloutState(state, reason, stage);
  }

  private static HealthCheck healthCheck(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    object(node, field, HEALTH_KEYS);
    JsonNode path = node.get("path");
    if (path == null || path.isNull()) {
      throw new BadRequestException(field + ".path", field + ".path is required, e.g. \"/health\"");
    }
    if (!path.isTextual() || !path.asText().startsWith("/") || !isUriPath(path.asText())) {
      throw new BadRequestException(field + ".path", field + ".path must be a path starting with /, e.g. \"/health\"");
    }
    return new HealthCheck(path.asText(),
        whole(node, "intervalMillis", field + ".intervalMillis", HealthCheck.DEFAULT_INTERVAL_MILLIS, 10, 86_400_000),
        whole(node, "timeoutMillis", field + ".timeoutMillis", HealthCheck.DEFAULT_TIMEOUT_MILLIS, 1, 600_000),
        (int) whole(node, "healthyThreshold", field + ".healthyThreshold", HealthCheck.DEFAULT_HEALTHY_THRESHOLD, 1, 1000),
        (int) whole(node, "unhealthyThreshold", field + ".unhealthyThreshold", HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD, 1, 1000));
  }

  private static RollbackPolicy rollback(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    object(node, field, ROLLBACK_KEYS);
    RollbackPolicy d = RollbackPolicy.DEFAULT;
    return new RollbackPolicy(
        bool(node, "enabled", field + ".enabled", d.enabled()),
        (int) whole(node, "windowSeconds", field + ".windowSeconds", d.windowSeconds(), 1, 3600),
        rate(node, "maxFailureRate", field + ".maxFailureRate", d.maxFailureRate(), true),
        whole(node, "minRequests", field + ".minRequests", d.minRequests(), 1, Long.MAX_VALUE),
        bool(node, "countMismatches", field + ".countMismatches", d.countMismatches()),
        confidence(node, field + ".confidence"));
  }

  private static List<PromotionStage> promote(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new BadRequestException(field, field + " must be an array of {\"when\":{...},\"to\":{...}}");
    }
    List<PromotionStage> stages = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode stage = node.get(i);
      object(stage, at, STAGE_KEYS);
      JsonNode to = stage.get("to");
      if (to == null || to.isNull()) {
        throw new BadRequestException(at + ".to", at + ".to is required: the next upgradeTransition, e.g. {\"mode\":\"INSTANT\"}");
      }
      PromotionStage.Condition when = when(stage.get("when"), at + ".when");
      stages.add(new PromotionStage(when, ClusterJson.transition(to, at + ".to")));
    }
    return List.copyOf(stages);
  }

  private static PromotionStage.Condition when(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw new BadRequestException(field, field + " is required, e.g. {\"consecutiveMatches\":100}");
    }
    object(node, field, WHEN_KEYS);
    if (node.isEmpty()) {
      throw new BadRequestException(field, field + " needs at least one of " + String.join(", ", sorted(WHEN_KEYS)));
    }
    Long matches = node.has("consecutiveMatches")
        ? whole(node, "consecutiveMatches", field + ".consecutiveMatches", 0, 1, Long.MAX_VALUE) : null;
    Boolean ramp = null;
    if (node.has("rampComplete")) {
      if (!bool(node, "rampComplete", field + ".rampComplete", false)) {
        throw new BadRequestException(field + ".rampComplete", field + ".rampComplete can only be true; leave it out otherwise");
      }
      ramp = true;
    }
    Long after = node.has("afterSeconds") ? whole(node, "afterSeconds", field + ".afterSeconds", 0, 0, Long.MAX_VALUE / 1000) : null;
    Long requests = node.has("minRequests") ? whole(node, "minRequests", field + ".minRequests", 0, 1, Long.MAX_VALUE) : null;
    Double rate = node.has("maxFailureRate") ? rate(node, "maxFailureRate", field + ".maxFailureRate", 0, false) : null;
    if (rate != null && requests == null) {
      // a rate over no requests would pass at once
      throw new BadRequestException(field + ".minRequests", field + ".minRequests is required with maxFailureRate");
    }
    return new PromotionStage.Condition(matches, ramp, after, requests, rate);
  }

  /** Adds the policies that were given to {@code cluster}. */
  static void format(VersionPolicies p, ObjectNode cluster) {
    HealthCheck h = p.healthCheck();
    if (h != null) {
      cluster.putObject("healthCheck")
          .put("path", h.path())
          .put("intervalMillis", h.intervalMillis())
          .put("timeoutMillis", h.timeoutMillis())
          .put("healthyThreshold", h.healthyThreshold())
          .put("unhealthyThreshold", h.unhealthyThreshold());
    }
    RollbackPolicy r = p.rollback();
    if (r != null) {
      ObjectNode rollback = cluster.putObject("rollback")
          .put("enabled", r.enabled())
          .put("windowSeconds", r.windowSeconds())
          .put("maxFailureRate", r.maxFailureRate())
          .put("minRequests", r.minRequests())
          .put("countMismatches", r.countMismatches());
      if (r.confidence() != RollbackPolicy.DEFAULT_CONFIDENCE) {
        rollback.put("confidence", r.confidence());
      }
    }
    if (!p.promote().isEmpty()) {
      ArrayNode stages = cluster.putArray("promote");
      for (PromotionStage stage : p.promote()) {
        ObjectNode s = stages.addObject();
        s.set("when", condition(stage.when()));
        s.set("to", ClusterJson.MAPPER.valueToTree(stage.to().asMap()));
      }
    }
  }

  /** A stage's conditions, only those given. */
  static ObjectNode condition(PromotionStage.Condition c) {
    ObjectNode when = ClusterJson.MAPPER.createObjectNode();
    if (c.consecutiveMatches() != null) {
      when.put("consecutiveMatches", c.consecutiveMatches());
    }
    if (c.rampComplete() != null) {
      when.put("rampComplete", c.rampComplete());
    }
    if (c.afterSeconds() != null) {
      when.put("afterSeconds", c.afterSeconds());
    }
    if (c.minRequests() != null) {
      when.put("minRequests", c.minRequests());
    }
    if (c.maxFailureRate() != null) {
      when.put("maxFailureRate", c.maxFailureRate());
    }
    return when;
  }

  /** Adds the rollout state to {@code cluster} where it is not the initial one. */
  static void formatState(RolloutState s, ObjectNode cluster) {
    if (s.state() != VersionState.ACTIVE) {
      cluster.put("state", s.state().name());
      if (s.reason() != null) {
        cluster.put("stateReason", s.reason());
      }
    }
    if (s.promotionStage() > 0) {
      cluster.put("promotionStage", s.promotionStage());
    }
  }

  private static void object(JsonNode node, String field, Set<String> known) {
    if (!node.isObject()) {
      throw new BadRequestException(field, field + " must be an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new BadRequestException(field + "." + name,
            field + "." + name + " is not a known setting; known: " + String.join(", ", sorted(known)));
      }
    }
  }

  private static long whole(JsonNode obj, String key, String field, long fallback, long min, long max) {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    long value;
    try {
      if (!n.isNumber()) {
        throw new ArithmeticException();
      }
      value = n.decimalValue().longValueExact();
    } catch (ArithmeticException e) {
      throw new BadRequestException(field, field + " must be a whole number");
    }
    if (value < min || value > max) {
      throw new BadRequestException(field, field + " must be from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max) + ", not " + value);
    }
    return value;
  }

  private static double rate(JsonNode obj, String key, String field, double fallback, boolean exclusiveZero) {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    double value = n.isNumber() ? n.doubleValue() : Double.NaN;
    if (!(exclusiveZero ? value > 0 : value >= 0) || !(value <= 1)) {
      throw new BadRequestException(field, field + " must be a number " + (exclusiveZero ? "greater than 0" : "from 0") + " and at most 1");
    }
    return value;
  }

  private static double confidence(JsonNode obj, String field) {
    JsonNode n = obj.get("confidence");
    if (n == null || n.isNull()) {
      return RollbackPolicy.DEFAULT_CONFIDENCE;
    }
    double value = n.isNumber() ? n.doubleValue() : Double.NaN;
    if (!(value >= RollbackPolicy.MIN_CONFIDENCE && value <= RollbackPolicy.MAX_CONFIDENCE)) {
      throw new BadRequestException(field, field + " must be a number from " + RollbackPolicy.MIN_CONFIDENCE + " to "
          + RollbackPolicy.MAX_CONFIDENCE + ", e.g. 0.95");
    }
    return value;
  }

  private static boolean bool(JsonNode obj, String key, String field, boolean fallback) {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw new BadRequestException(field, field + " must be true or false");
    }
    return n.asBoolean();
  }

  private static boolean isUriPath(String path) {
    try {
      URI.create("http://localhost" + path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }
}

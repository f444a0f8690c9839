package io.handover.engine.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.HealthCheck;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.telemetry.EndpointOutcomes;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The optional parts of the cluster JSON beside {@code servers} and {@code upgradeTransition}:
 * {@code healthCheck}, {@code rollback} and {@code promote}. Each record fills in its defaults as it
 * is built, so the admin API echoes a given policy with every value in force.
 */
public final class PolicyJson {

  private PolicyJson() {}

  /** {@code healthCheck}: {@code path} is required. */
  @JsonPropertyOrder({"path", "intervalMillis", "timeoutMillis", "healthyThreshold", "unhealthyThreshold"})
  public record Health(String path, Long intervalMillis, Long timeoutMillis, Long healthyThreshold, Long unhealthyThreshold) {

    public Health {
      if (path == null) {
        throw JsonInputException.of("path", "is required, e.g. \"/health\"");
      }
      if (!path.startsWith("/") || !isUriPath(path)) {
        throw JsonInputException.of("path", "must be a path starting with /, e.g. \"/health\"");
      }
      intervalMillis = Json.whole(intervalMillis, "intervalMillis", HealthCheck.DEFAULT_INTERVAL_MILLIS, 10, 86_400_000);
      timeoutMillis = Json.whole(timeoutMillis, "timeoutMillis", HealthCheck.DEFAULT_TIMEOUT_MILLIS, 1, 600_000);
      healthyThreshold = Json.whole(healthyThreshold, "healthyThreshold", HealthCheck.DEFAULT_HEALTHY_THRESHOLD, 1, 1000);
      unhealthyThreshold = Json.whole(unhealthyThreshold, "unhealthyThreshold", HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD, 1, 1000);
    }

    static Health of(HealthCheck h) {
      return h == null ? null : new Health(h.path(), h.intervalMillis(), h.timeoutMillis(), (long) h.healthyThreshold(),
          (long) h.unhealthyThreshold());
    }

    HealthCheck toCheck() {
      return new HealthCheck(path, intervalMillis, timeoutMillis, healthyThreshold.intValue(), unhealthyThreshold.intValue());
    }

    private static boolean isUriPath(String path) {
      try {
        URI.create("http://localhost" + path);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  /**
   * {@code rollback}: every key optional, defaults from {@link RollbackPolicy#DEFAULT};
   * {@code confidence} is written only when it is not the default.
   */
  @JsonPropertyOrder({"enabled", "windowSeconds", "maxFailureRate", "minRequests", "countMismatches", "confidence", "endpoints",
      "maxLatencyIncreaseMillis"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rollback(Boolean enabled, Long windowSeconds, Double maxFailureRate, Long minRequests, Boolean countMismatches,
      Double confidence, List<String> endpoints, Double maxLatencyIncreaseMillis) {

    public Rollback {
      RollbackPolicy d = RollbackPolicy.DEFAULT;
      enabled = enabled == null ? d.enabled() : enabled;
      windowSeconds = Json.whole(windowSeconds, "windowSeconds", d.windowSeconds(), 1, 3600);
      maxFailureRate = rate(maxFailureRate, "maxFailureRate", d.maxFailureRate(), true);
      minRequests = Json.whole(minRequests, "minRequests", d.minRequests(), 1, Long.MAX_VALUE);
      countMismatches = countMismatches == null ? d.countMismatches() : countMismatches;
      if (confidence != null && !(confidence >= RollbackPolicy.MIN_CONFIDENCE && confidence <= RollbackPolicy.MAX_CONFIDENCE)) {
        throw JsonInputException.of("confidence", "must be a number from " + RollbackPolicy.MIN_CONFIDENCE + " to "
            + RollbackPolicy.MAX_CONFIDENCE + ", e.g. 0.95");
      }
      if (endpoints != null) {
        for (int i = 0; i < endpoints.size(); i++) {
          String problem = endpoints.get(i) == null ? "must be a string such as \"GET /api/cart\"" : EndpointOutcomes.problem(endpoints.get(i));
          if (problem != null) {
            throw JsonInputException.of("endpoints[" + i + "]", problem);
          }
        }
        endpoints = endpoints.isEmpty() ? null : List.copyOf(endpoints);
      }
      if (maxLatencyIncreaseMillis != null
          && !(maxLatencyIncreaseMillis >= 0 && maxLatencyIncreaseMillis <= RollbackPolicy.MAX_LATENCY_INCREASE_MILLIS)) {
        throw JsonInputException.of("maxLatencyIncreaseMillis", "must be a number of milliseconds from 0 to "
            + (long) RollbackPolicy.MAX_LATENCY_INCREASE_MILLIS + ", e.g. 20");
      }
    }

    static Rollback of(RollbackPolicy r) {
      return r == null ? null : new Rollback(r.enabled(), (long) r.windowSeconds(), r.maxFailureRate(), r.minRequests(),
          r.countMismatches(), r.confidence() == RollbackPolicy.DEFAULT_CONFIDENCE ? null : r.confidence(),
          r.endpoints().isEmpty() ? null : r.endpoints(), r.maxLatencyIncreaseMillis());
    }

    RollbackPolicy toPolicy() {
      return new RollbackPolicy(enabled, windowSeconds.intValue(), maxFailureRate, minRequests, countMismatches,
          confidence == null ? RollbackPolicy.DEFAULT_CONFIDENCE : confidence, endpoints == null ? List.of() : endpoints,
          maxLatencyIncreaseMillis);
    }
  }

  /** One {@code promote} stage: {@code {"when":{...},"to":{...}}}, both required. */
  public record Stage(When when, Map<String, Object> to) {

    public Stage {
      if (when == null) {
        throw JsonInputException.of("when", "is required, e.g. {\"consecutiveMatches\":100}");
      }
      if (to == null) {
        throw JsonInputException.of("to", "is required: the next upgradeTransition, e.g. {\"mode\":\"INSTANT\"}");
      }
      ClusterJson.transition(to, "to", "SESSION");
    }

    static Stage of(PromotionStage s) {
      return new Stage(When.of(s.when()), s.to().asMap());
    }

    PromotionStage toStage() {
      return new PromotionStage(when.toCondition(), ClusterJson.transition(to, "to", "SESSION"));
    }
  }

  /** A stage's conditions: at least one; only those given are written. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"consecutiveMatches", "rampComplete", "afterSeconds", "minRequests", "maxFailureRate"})
  public record When(Long consecutiveMatches, Boolean rampComplete, Long afterSeconds, Long minRequests, Double maxFailureRate) {

    public When {
      if (consecutiveMatches == null && rampComplete == null && afterSeconds == null && minRequests == null && maxFailureRate == null) {
        throw JsonInputException.of("", "needs at least one of afterSeconds, consecutiveMatches, maxFailureRate, minRequests, rampComplete");
      }
      Json.whole(consecutiveMatches, "consecutiveMatches", 1, 1, Long.MAX_VALUE);
      if (Boolean.FALSE.equals(rampComplete)) {
        throw JsonInputException.of("rampComplete", "can only be true; leave it out otherwise");
      }
      Json.whole(afterSeconds, "afterSeconds", 0, 0, Long.MAX_VALUE / 1000);
      Json.whole(minRequests, "minRequests", 1, 1, Long.MAX_VALUE);
      if (maxFailureRate != null) {
        rate(maxFailureRate, "maxFailureRate", 0, false);
        if (minRequests == null) {
          // a rate over no requests would pass at once
          throw JsonInputException.of("minRequests", "is required with maxFailureRate");
        }
      }
    }

    /** The JSON of a stage's conditions, also used by the status report. */
    public static When of(PromotionStage.Condition c) {
      return new When(c.consecutiveMatches(), c.rampComplete(), c.afterSeconds(), c.minRequests(), c.maxFailureRate());
    }

    PromotionStage.Condition toCondition() {
      return new PromotionStage.Condition(consecutiveMatches, rampComplete, afterSeconds, minRequests, maxFailureRate);
    }
  }

  private static double rate(Double value, String field, double fallback, boolean exclusiveZero) {
    if (value == null) {
      return fallback;
    }
    if (!(exclusiveZero ? value > 0 : value >= 0) || !(value <= 1)) {
      throw JsonInputException.of(field, "must be a number " + (exclusiveZero ? "greater than 0" : "from 0") + " and at most 1");
    }
    return value;
  }
}

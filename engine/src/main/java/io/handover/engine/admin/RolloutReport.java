package io.handover.engine.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.config.PolicyJson;
import io.handover.engine.json.Json;
import io.handover.engine.registry.Server;
import io.handover.engine.registry.Servers;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.Outcomes;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.registry.Transition;
import io.handover.engine.registry.TransitionHistory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The rollout parts of {@code GET /status} for one version: health, recent outcomes, promotion, history. */
public final class RolloutReport {

  private RolloutReport() {}

  /** Each server with what passive and active health say of it. */
  public static ArrayNode servers(Servers pool) {
    ArrayNode servers = Json.MAPPER.createArrayNode();
    for (Server b : pool.servers()) {
      servers.addObject()
          .put("address", b.address().authority())
          .put("ejected", b.health().ejected())
          .put("ejectedForMillis", b.health().ejectedForMillis())
          .put("ejectedUntil", b.health().ejected() ? java.time.Instant.ofEpochMilli(b.health().ejectedUntilMillis()).toString() : null)
          .put("ejections", b.health().ejections())
          .put("totalEjections", b.health().totalEjections())
          .put("activelyHealthy", b.health().activelyHealthy())
          .put("consecutiveFailures", b.health().consecutiveFailures())
          .put("lastFailure", b.health().lastFailure() == null ? null : b.health().lastFailure().label())
          .put("millisSinceLastFailure", b.health().millisSinceLastFailure())
          .put("lastFailureAt", b.health().lastFailure() == null ? null
              : java.time.Instant.ofEpochMilli(System.currentTimeMillis() - b.health().millisSinceLastFailure()).toString());
    }
    return servers;
  }

  /** The outcomes over the rollback window, rated as the rollback policy rates them. */
  public static ObjectNode recent(LiveVersion v) {
    RollbackPolicy policy = v.config().policies().rollbackInForce();
    Outcomes.Window w = v.outcomes().window(policy.windowSeconds());
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("windowSeconds", policy.windowSeconds());
    node.put("requests", w.requests());
    node.put("failures", w.failures());
    node.put("mismatches", w.mismatches());
    node.put("failureRate", Math.round(policy.failureRate(w) * 10_000) / 10_000.0);
    return node;
  }

  /** {@code {"stage":1,"of":2,"next":{...}}}; {@code next} is null once every stage is passed. */
  public static ObjectNode promotion(ClusterConfig c) {
    List<PromotionStage> stages = c.policies().promote();
    int stage = c.rollout().promotionStage();
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("stage", stage);
    node.put("of", stages.size());
    node.put("paused", c.rollout().paused());
    if (stage < stages.size()) {
      ObjectNode next = node.putObject("next");
      next.set("when", Json.MAPPER.valueToTree(PolicyJson.When.of(stages.get(stage).when())));
      next.put("to", stages.get(stage).mode());
    } else {
      node.putNull("next");
    }
    return node;
  }

  /** The version's transitions, oldest first. */
  public static ArrayNode history(TransitionHistory history) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (Transition t : history.list()) {
      list.addObject()
          .put("at", Instant.ofEpochMilli(t.atMillis()).toString())
          .put("kind", t.kind().name().toLowerCase(Locale.ROOT))
          .put("from", t.from())
          .put("to", t.to())
          .put("reason", t.reason());
    }
    return list;
  }
}

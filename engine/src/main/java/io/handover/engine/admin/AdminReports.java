package io.handover.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.ResponseSummary;
import io.handover.engine.json.Json;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.rollout.Drain;
import io.handover.engine.rollout.RolloutEvidence;
import io.handover.engine.telemetry.MirrorStats;
import io.handover.engine.telemetry.NoiseStats;
import io.handover.engine.tls.TlsListeners;
import java.util.Locale;
import java.time.Instant;
import java.util.function.Function;
import java.util.Map;

/** The admin API's reports, read from the registry and the plugins. */
public final class AdminReports implements StatusReport {

  private final VersionRegistry registry;
  private final PluginRegistry plugins;
  private final Function<String, JsonNode> members;
  private final TlsListeners tls;

  public AdminReports(VersionRegistry registry, PluginRegistry plugins) {
    this(registry, plugins, id -> null);
  }

  /** With {@code members} reporting a version's containers by its id (null for none). */
  public AdminReports(VersionRegistry registry, PluginRegistry plugins, Function<String, JsonNode> members) {
    this(registry, plugins, members, TlsListeners.none());
  }

  /** With the TLS listeners' certificates, their expiry dates included. */
  public AdminReports(VersionRegistry registry, PluginRegistry plugins, Function<String, JsonNode> members, TlsListeners tls) {
    this.tls = tls;
    this.registry = registry;
    this.plugins = plugins;
    this.members = members;
  }

  @Override
  public JsonNode plugins() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode strategies = root.putArray("strategies");
    plugins.strategies().values().forEach(p ->
        strategies.addObject().put("name", p.name()).put("source", p.source()).put("description", p.description()));
    ArrayNode comparators = root.putArray("comparators");
    plugins.comparators().values().forEach(p ->
        comparators.addObject().put("name", p.name()).put("source", p.source()).put("description", p.description()));
    ArrayNode problems = root.putArray("problems");
    plugins.problems().forEach(problems::add);
    return root;
  }

  @Override
  public JsonNode status() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    Map<String, Object> store = registry.storeStatus();
    if (!store.isEmpty()) {
      // the shared store: whether it answers (since when not), and the live instances sharing it
      root.set("store", Json.MAPPER.valueToTree(store));
    }
    if (!tls.isEmpty()) {
      root.set("tls", Json.MAPPER.valueToTree(tls.status()));
    }
    ArrayNode versions = root.putArray("versions");
    Snapshot snapshot = registry.snapshot();
    for (LiveVersion v : snapshot.all()) {
      ObjectNode node = versions.addObject();
      node.put("uuid", v.info().id());
      node.put("version", v.info().version().label());
      node.put("mode", v.info().mode());
      node.put("state", v.info().state().name());
      node.put("stateReason", v.config().rollout().reason());
      node.put("addedAtMillis", v.info().addedAtMillis());
      node.set("servers", RolloutReport.servers(v.servers()));
      JsonNode containers = members.apply(v.info().id());
      if (containers != null) {
        node.set("containers", containers);
      }
      node.set("strategy", Json.MAPPER.valueToTree(v.strategy().status()));
      node.set("mirror", mirror(v.mirrorStats()));
      node.set("recent", RolloutReport.recent(v));
      node.set("promotion", RolloutReport.promotion(v.config()));
      RolloutEvidence.addTo(node, v);
      Drain.addTo(node, snapshot, v, registry.stickyClients());
      node.set("history", RolloutReport.history(v.history()));
    }
    return root;
  }

  private static ObjectNode mirror(MirrorStats stats) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("matches", stats.matches());
    node.put("mismatches", stats.mismatches());
    node.put("consecutiveMatches", stats.consecutiveMatches());
    node.put("skipped", stats.skipped());
    node.put("lastSkipReason", stats.lastSkipReason());
    node.put("dropped", stats.dropped());
    node.set("noise", noise(stats.noise()));
    ArrayNode last = node.putArray("lastMismatches");
    for (MirrorStats.Mismatch m : stats.lastMismatches()) {
      ObjectNode entry = last.addObject();
      entry.put("at", Instant.ofEpochMilli(m.atMillis()).toString());
      entry.put("request", m.method() + " " + m.path());
      ArrayNode reasons = entry.putArray("reasons");
      m.reasons().forEach(reasons::add);
      entry.set("older", summary(m.target()));
      entry.set("candidate", summary(m.candidate()));
    }
    return node;
  }

  private static ObjectNode noise(NoiseStats noise) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("samples", noise.samples());
    node.put("overflow", noise.overflow());
    ArrayNode places = node.putArray("places");
    for (NoiseStats.Noise n : noise.places()) {
      places.addObject().put("kind", n.kind().name().toLowerCase(Locale.ROOT)).put("name", n.name()).put("count", n.count())
          .put("older", n.older()).put("otherOlder", n.otherOlder());
    }
    return node;
  }

  private static ObjectNode summary(ResponseSummary s) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    if (s == null) {
      return node;
    }
    if (!s.succeeded()) {
      node.put("failure", s.failure());
      return node;
    }
    node.put("status", s.status());
    node.set("headers", Json.MAPPER.valueToTree(s.headers()));
    node.put("length", s.length());
    node.put("sha256", s.bodySha256());
    node.put("latencyMillis", s.latencyNanos() / 1_000_000.0);
    return node;
  }
}

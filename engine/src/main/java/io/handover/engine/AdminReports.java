package io.handover.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.admin.ClusterJson;
import io.handover.engine.admin.StatusReport;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.VersionRegistry;

/** The admin API's reports, read from the registry and the plugins. */
final class AdminReports implements StatusReport {

  private final VersionRegistry registry;
  private final PluginRegistry plugins;

  AdminReports(VersionRegistry registry, PluginRegistry plugins) {
    this.registry = registry;
    this.plugins = plugins;
  }

  @Override
  public JsonNode plugins() {
    ObjectNode root = ClusterJson.MAPPER.createObjectNode();
    ArrayNode strategies = root.putArray("strategies");
    plugins.strategies().values().forEach(p ->
        strategies.addObject().put("name", p.name()).put("source", p.source()).put("description", p.description()));
    ArrayNode comparators = root.putArray("comparators");
    plugins.comparators().values().forEach(p ->
        comparators.addObject().put("name", p.name()).put("source", p.source()).put("description", p.description()));
    return root;
  }

  @Override
  public JsonNode status() {
    ObjectNode root = ClusterJson.MAPPER.createObjectNode();
    ArrayNode versions = root.putArray("versions");
    for (LiveVersion v : registry.snapshot().all()) {
      ObjectNode node = versions.addObject();
      node.put("uuid", v.info().id());
      node.put("version", v.info().version().label());
      node.put("mode", v.info().mode());
      node.put("state", v.info().state().name());
      node.put("addedAtMillis", v.info().addedAtMillis());
      ArrayNode servers = node.putArray("servers");
      v.config().servers().forEach(s -> servers.add(s.authority()));
      node.set("strategy", ClusterJson.MAPPER.valueToTree(v.strategy().status()));
    }
    return root;
  }
}

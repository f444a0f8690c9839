package io.handover.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the cluster a command names: its whole uuid, its version string ({@code 2.0}) or a prefix of
 * its uuid. Several matches are a usage error naming them; none leaves the word as it is, for the
 * proxy to refuse.
 */
final class VersionRef {

  private VersionRef() {}

  static String resolve(AdminClient client, String ref) {
    return resolve(client.getJson("/configuration/cluster"), ref);
  }

  static String resolve(JsonNode clusters, String ref) {
    List<JsonNode> byVersion = new ArrayList<>();
    List<JsonNode> byPrefix = new ArrayList<>();
    for (JsonNode wrapped : clusters) {
      JsonNode c = unwrap(wrapped);
      String uuid = c.path("uuid").asText();
      if (uuid.equals(ref)) {
        return uuid;
      }
      if (c.path("version").asText().equals(ref)) {
        byVersion.add(c);
      } else if (uuid.startsWith(ref)) {
        byPrefix.add(c);
      }
    }
    List<JsonNode> found = byVersion.isEmpty() ? byPrefix : byVersion;
    if (found.size() > 1) {
      StringBuilder names = new StringBuilder();
      for (JsonNode c : found) {
        names.append(names.length() == 0 ? "" : ", ").append(c.path("version").asText()).append(" (").append(c.path("uuid").asText()).append(')');
      }
      throw new HandoverCli.UsageException("'" + ref + "' names several versions: " + names + "; give a longer uuid prefix");
    }
    return found.isEmpty() ? ref : found.get(0).path("uuid").asText();
  }

  /** The cluster inside the admin API's {@code {"cluster":{...}}}. */
  static JsonNode unwrap(JsonNode node) {
    return node.has("cluster") ? node.get("cluster") : node;
  }
}

package io.handover.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One version as {@code GET /status} describes it, reduced to what a table shows.
 *
 * @param share its part of the requests over the rollback window, 0 to 1
 * @param stage e.g. {@code 1/2 next GRADUAL}, or {@code -} when it has no promotion stages
 */
record StatusRow(String uuid, String version, String state, boolean paused, String mode, long requests, double share, int serversUp,
    int servers, long failures, double failureRate, long matches, long mismatches, String stage) {

  static List<StatusRow> of(JsonNode status) {
    long total = 0;
    for (JsonNode v : status.path("versions")) {
      total += v.path("recent").path("requests").asLong();
    }
    List<StatusRow> rows = new ArrayList<>();
    for (JsonNode v : status.path("versions")) {
      int up = 0;
      int all = 0;
      for (JsonNode s : v.path("servers")) {
        all++;
        if (!s.path("ejected").asBoolean() && s.path("activelyHealthy").asBoolean(true)) {
          up++;
        }
      }
      JsonNode recent = v.path("recent");
      JsonNode promotion = v.path("promotion");
      int of = promotion.path("of").asInt();
      String stage = of == 0 ? "-" : promotion.path("stage").asInt() + "/" + of
          + (promotion.path("next").isObject() ? " next " + promotion.path("next").path("to").asText() : " done");
      long requests = recent.path("requests").asLong();
      rows.add(new StatusRow(v.path("uuid").asText(), v.path("version").asText(), v.path("state").asText(),
          promotion.path("paused").asBoolean(), v.path("mode").asText(), requests, total == 0 ? 0 : (double) requests / total, up, all,
          recent.path("failures").asLong(), recent.path("failureRate").asDouble(), v.path("mirror").path("matches").asLong(),
          v.path("mirror").path("mismatches").asLong(), stage));
    }
    return rows;
  }

  String stateLabel() {
    return paused ? state + " (paused)" : state;
  }

  String sharePercent() {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  String failurePercent() {
    return String.format(Locale.ROOT, "%.1f%%", failureRate * 100);
  }

  static String shortId(String uuid) {
    return uuid.length() > 8 ? uuid.substring(0, 8) : uuid;
  }
}

package io.handover.engine.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.json.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code handover log-level [LOGGER] [LEVEL]}: shows the log levels of a running proxy, or sets
 * one (the root logger's when only a level is given) through {@code PUT /logging/level}.
 */
@Parameters(commandDescription = "Show or change the log levels of a running proxy: log-level [LOGGER] [LEVEL]")
final class LogLevelCommand {

  @ParametersDelegate
  AdminOptions admin = new AdminOptions();

  @Parameter(description = "[LOGGER] [LEVEL] (TRACE, DEBUG, INFO, WARN, ERROR, OFF or INHERIT); none: show the levels")
  List<String> words = new ArrayList<>();

  int run(AdminClient client, PrintStream out) {
    if (words.size() > 2) {
      throw new HandoverCli.UsageException("log-level takes at most a logger and a level");
    }
    if (words.isEmpty()) {
      JsonNode levels = client.getJson("/logging/level");
      if (admin.json()) {
        out.println(levels.toPrettyString());
      } else {
        Table table = new Table("LOGGER", "LEVEL");
        levels.fields().forEachRemaining(e -> table.row(e.getKey(), e.getValue().asText()));
        table.print(out);
      }
      return HandoverCli.OK;
    }
    Map<String, String> change = new LinkedHashMap<>();
    change.put("logger", words.size() == 2 ? words.get(0) : "ROOT");
    change.put("level", words.get(words.size() - 1));
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(change);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    JsonNode now = AdminClient.parse(client.send("PUT", "/logging/level", body).body());
    if (admin.json()) {
      out.println(now.toPrettyString());
    } else {
      out.println(now.path("logger").asText() + " now logs at " + now.path("level").asText());
    }
    return HandoverCli.OK;
  }
}

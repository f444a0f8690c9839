package io.handover.engine.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code handover cluster ...}: the admin API from the command line, as tables for people and as
 * JSON ({@code -o json}) for scripts. A version is named by its version string, its uuid or a
 * prefix of its uuid.
 *
 * <pre>
 * handover cluster list | status [--watch] | get V
 * handover cluster add --server 127.0.0.1:8082 --version 2.0 --mode GRADUAL --set percentageTransitionPerRequest=5
 * handover cluster promote V | pause V | resume V | abort V | rollback V | activate V | remove V
 * </pre>
 */
@Parameters(commandDescription = "Manage the versions of a running proxy: list, status, get, add, promote, pause, resume, abort, rollback, activate, remove (alias delete)")
final class ClusterCommand {

  @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help")
  boolean help;

  /** A sub-command that talks to the admin API. */
  abstract static class Action {
    @ParametersDelegate
    AdminOptions admin = new AdminOptions();

    abstract int run(AdminClient client, PrintStream out);
  }

  /** A sub-command that names one version. */
  abstract static class OnVersion extends Action {
    @Parameter(description = "VERSION (a version string, a uuid or a uuid prefix)")
    List<String> refs = new ArrayList<>();

    String id(AdminClient client, String verb) {
      if (refs.size() != 1) {
        throw new HandoverCli.UsageException("cluster " + verb + " takes one version (a version string, uuid or uuid prefix)");
      }
      return VersionRef.resolve(client, refs.get(0));
    }
  }

  @Parameters(commandDescription = "List the versions, newest first")
  static final class ListAction extends Action {
    @Override
    int run(AdminClient client, PrintStream out) {
      JsonNode list = client.getJson("/configuration/cluster");
      if (admin.json()) {
        out.println(list.toPrettyString());
        return HandoverCli.OK;
      }
      Table table = new Table("VERSION", "UUID", "STATE", "MODE", "SERVERS", "STAGE");
      for (JsonNode wrapped : list) {
        JsonNode c = VersionRef.unwrap(wrapped);
        List<String> servers = new ArrayList<>();
        c.path("servers").forEach(s -> servers.add(s.path("hostname").asText() + ":" + s.path("port").asText()));
        int of = c.path("promote").size();
        table.row(c.path("version").asText(), c.path("uuid").asText(), c.path("state").asText("ACTIVE")
                + (c.path("rolloutPaused").asBoolean() ? " (paused)" : ""),
            c.path("upgradeTransition").path("mode").asText("INSTANT"), String.join(",", servers),
            of == 0 ? "-" : c.path("promotionStage").asInt() + "/" + of);
      }
      table.print(out);
      return HandoverCli.OK;
    }
  }

  @Parameters(commandDescription = "Per version (or only VERSION): state, mode, share of traffic, servers up, failure rate, matches, promotion stage")
  static final class StatusAction extends OnVersion {
    @Parameter(names = {"-w", "--watch"}, description = "Redraw in place until Ctrl-C")
    boolean watch;

    @Parameter(names = "--interval", description = "--watch: seconds between redraws")
    double interval = 2;

    @Parameter(names = "--count", description = "--watch: stop after this many redraws (0: never)")
    int count;

    @Override
    int run(AdminClient client, PrintStream out) {
      if (interval <= 0) {
        throw new HandoverCli.UsageException("--interval must be more than 0 seconds");
      }
      boolean json = admin.json();
      String only = refs.isEmpty() ? null : id(client, "status");
      if (!watch) {
        print(only(client.getJson("/status"), only), json, out);
        return HandoverCli.OK;
      }
      for (int i = 0; count == 0 || i < count; i++) {
        JsonNode status = only(client.getJson("/status"), only);
        if (!json) {
          out.print("\033[H\033[2J");
          out.println("handover " + client.base() + "   " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "   every " + interval + " s, Ctrl-C to stop");
          out.println();
        }
        print(status, json, out);
        out.flush();
        if (count != 0 && i == count - 1) {
          break;
        }
        try {
          Thread.sleep((long) (interval * 1000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return HandoverCli.OK;
    }

    /** With a version: {@code {"versions":[that one]}}, an unknown one refused as the proxy would. */
    private static JsonNode only(JsonNode status, String id) {
      if (id == null) {
        return status;
      }
      ObjectNode one = Json.MAPPER.createObjectNode();
      var versions = one.putArray("versions");
      status.path("versions").forEach(v -> {
        if (v.path("uuid").asText().equals(id)) {
          versions.add(v);
        }
      });
      if (versions.isEmpty()) {
        throw new AdminClient.Refused(404, "no version " + id + " in the proxy's status");
      }
      return one;
    }

    private void print(JsonNode status, boolean json, PrintStream out) {
      if (json) {
        out.println(watch ? status.toString() : status.toPrettyString());
        return;
      }
      Table table = new Table("VERSION", "UUID", "STATE", "MODE", "SHARE", "", "UP", "FAILURES", "MATCH/MISMATCH", "STAGE");
      for (StatusRow r : StatusRow.of(status)) {
        table.row(r.version(), StatusRow.shortId(r.uuid()), r.stateLabel(), r.mode(), r.sharePercent(), watch ? Table.bar(r.share(), 20) : "",
            r.serversUp() + "/" + r.servers(), r.failurePercent() + " of " + r.requests(), r.matches() + "/" + r.mismatches(), r.stage());
      }
      table.print(out);
    }
  }

  @Parameters(commandDescription = "Print one version's configuration as JSON")
  static final class GetAction extends OnVersion {
    @Override
    int run(AdminClient client, PrintStream out) {
      out.println(client.getJson("/configuration/cluster/" + id(client, "get")).toPrettyString());
      return HandoverCli.OK;
    }
  }

  @Parameters(commandDescription = "Add a version (prints its uuid)")
  static final class AddAction extends Action {
    @Parameter(names = "--file", description = "A JSON file holding {\"cluster\":{...}}")
    String file;

    @Parameter(names = "--server", description = "A server host:port (repeat for more)")
    List<String> servers = new ArrayList<>();

    @Parameter(names = "--version", description = "The version, e.g. 2.0")
    String version;

    @Parameter(names = "--mode", description = "The upgrade mode (INSTANT, SESSION, GRADUAL, CONCURRENT, or a plugin's)")
    String mode;

    @Parameter(names = "--set", splitter = RawSplitter.class,
        description = "A setting of the mode, key=VALUE; VALUE is JSON (5, true, [\"status\",\"body\"]) or else a plain string (repeat for more)")
    List<String> settings = new ArrayList<>();

    @Parameter(names = "--retire-when-drained", description = "Retire the older versions once no sticky client uses them")
    boolean retireWhenDrained;

    @Override
    int run(AdminClient client, PrintStream out) {
      String id = client.send("PUT", "/configuration/cluster", body()).body().strip();
      out.println(admin.json() ? Json.MAPPER.createObjectNode().put("uuid", id).toString() : id);
      return HandoverCli.OK;
    }

    byte[] body() {
      if (file != null) {
        if (!servers.isEmpty() || version != null || mode != null || !settings.isEmpty() || retireWhenDrained) {
          throw new HandoverCli.UsageException("cluster add takes --file or --server/--version/--mode/--set/--retire-when-drained, not both");
        }
        try {
          return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
          throw new HandoverCli.UsageException("--file " + file + ": cannot be read: " + e.getMessage());
        }
      }
      if (servers.isEmpty()) {
        throw new HandoverCli.UsageException("cluster add needs --file or at least one --server host:port");
      }
      ObjectNode root = Json.MAPPER.createObjectNode();
      ObjectNode cluster = root.putObject("cluster");
      var array = cluster.putArray("servers");
      for (String s : servers) {
        int colon = s.lastIndexOf(':');
        int port = colon <= 0 ? -1 : port(s.substring(colon + 1));
        if (port < 1) {
          throw new HandoverCli.UsageException("--server " + s + ": expected host:port with a port from 1 to 65535, e.g. 127.0.0.1:8082");
        }
        array.addObject().put("hostname", s.substring(0, colon).replace("[", "").replace("]", "")).put("port", port);
      }
      if (version != null) {
        cluster.put("version", version);
      }
      if (retireWhenDrained) {
        cluster.put("retireWhenDrained", true);
      }
      if (mode != null || !settings.isEmpty()) {
        ObjectNode transition = cluster.putObject("upgradeTransition");
        transition.put("mode", mode == null ? "INSTANT" : mode);
        for (Map.Entry<String, JsonNode> e : settings(settings).entrySet()) {
          transition.set(e.getKey(), e.getValue());
        }
      }
      return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int port(String s) {
      try {
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /** {@code key=VALUE} pairs: VALUE as JSON when it is a whole JSON value, else as a string. */
  static Map<String, JsonNode> settings(List<String> pairs) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String kv : pairs) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new HandoverCli.UsageException("--set " + kv + ": expected key=VALUE, e.g. --set 'comparators=[\"status\",\"body\"]'");
      }
      String value = kv.substring(eq + 1);
      JsonNode node;
      try {
        node = Json.MAPPER.readerFor(JsonNode.class).with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readValue(value);
      } catch (IOException e) {
        node = null;
      }
      if (node == null || node.isMissingNode()) {
        String trimmed = value.strip();
        if (trimmed.startsWith("[") || trimmed.startsWith("{") || trimmed.startsWith("\"")) {
          throw new HandoverCli.UsageException("--set " + kv + ": the value looks like JSON but is not valid JSON");
        }
        node = Json.MAPPER.getNodeFactory().textNode(value);
      }
      out.put(kv.substring(0, eq), node);
    }
    return out;
  }

  /** A verb of the admin API on one version: POST .../{id}/{verb}, or DELETE for remove. */
  abstract static class VerbAction extends OnVersion {
    private final String verb;
    private final String done;

    VerbAction(String verb, String done) {
      this.verb = verb;
      this.done = done;
    }

    @Override
    int run(AdminClient client, PrintStream out) {
      String id = id(client, verb);
      AdminClient.Reply reply = verb.equals("remove")
          ? client.send("DELETE", "/configuration/cluster/" + id, null)
          : client.send("POST", "/configuration/cluster/" + id + "/" + verb, null);
      if (admin.json()) {
        out.println(Json.MAPPER.createObjectNode().put("uuid", id).put("action", verb).put("status", reply.status()));
      } else {
        out.println("cluster " + id + ": " + done);
      }
      return HandoverCli.OK;
    }
  }

  @Parameters(commandDescription = "Move a version on to its next promotion stage now")
  static final class Promote extends VerbAction {
    Promote() {
      super("promote", "promoted to its next stage");
    }
  }

  @Parameters(commandDescription = "Hold a version's automatic promotion; its traffic stays as its current strategy gives it")
  static final class Pause extends VerbAction {
    Pause() {
      super("pause", "rollout paused (no automatic promotion until resume)");
    }
  }

  @Parameters(commandDescription = "Allow a paused version's automatic promotion again")
  static final class Resume extends VerbAction {
    Resume() {
      super("resume", "rollout resumed");
    }
  }

  @Parameters(commandDescription = "Roll a version back and pause its rollout")
  static final class Abort extends VerbAction {
    Abort() {
      super("abort", "rollout aborted (rolled back and paused)");
    }
  }

  @Parameters(commandDescription = "Take a version out of rotation; its clients go to the older version")
  static final class Rollback extends VerbAction {
    Rollback() {
      super("rollback", "rolled back");
    }
  }

  @Parameters(commandDescription = "Put a rolled-back version back into rotation")
  static final class Activate extends VerbAction {
    Activate() {
      super("activate", "activated");
    }
  }

  @Parameters(commandDescription = "Remove a version (alias: delete); requests already on it finish")
  static final class Remove extends VerbAction {
    Remove() {
      super("remove", "removed");
    }
  }

  private final Map<String, Action> actions = new LinkedHashMap<>();

  /** Adds the sub-commands to {@code cluster}'s parser. */
  void register(JCommander cluster) {
    add(cluster, "list", new ListAction());
    add(cluster, "status", new StatusAction());
    add(cluster, "get", new GetAction());
    add(cluster, "add", new AddAction());
    add(cluster, "promote", new Promote());
    add(cluster, "pause", new Pause());
    add(cluster, "resume", new Resume());
    add(cluster, "abort", new Abort());
    add(cluster, "rollback", new Rollback());
    add(cluster, "activate", new Activate());
    Remove remove = new Remove();
    actions.put("remove", remove);
    cluster.addCommand("remove", remove, "delete");
  }

  private void add(JCommander cluster, String name, Action action) {
    actions.put(name, action);
    cluster.addCommand(name, action);
  }

  Action action(String name) {
    return actions.get(name);
  }
}

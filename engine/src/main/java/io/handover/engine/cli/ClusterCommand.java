package io.handover.engine.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code handover cluster list|get|add|delete}: the admin API from the command line.
 *
 * <pre>
 * handover cluster list
 * handover cluster add --server 127.0.0.1:8082 --version 2.0 --mode SESSION --set sessionTimeout=60
 * handover cluster add --file cluster.json
 * handover cluster get ID
 * handover cluster delete ID
 * handover cluster rollback ID | activate ID
 * handover cluster status
 * </pre>
 */
@Parameters(commandDescription = "Manage the versions of a running proxy: list, get ID, add, delete ID, rollback ID, activate ID, status")
final class ClusterCommand {

  @Parameter(description = "list | get ID | add | delete ID | rollback ID | activate ID | status")
  List<String> words = new ArrayList<>();

  @Parameter(names = "--admin", description = "Admin API base URL")
  String admin = "http://127.0.0.1:9090";

  @Parameter(names = "--token", description = "Bearer token of the admin API (default: $HANDOVER_TOKEN)")
  String token;

  @Parameter(names = "--file", description = "add: a JSON file holding {\"cluster\":{...}}")
  String file;

  @Parameter(names = "--server", description = "add: a server host:port (repeat for more)")
  List<String> servers = new ArrayList<>();

  @Parameter(names = "--version", description = "add: the version")
  String version;

  @Parameter(names = "--mode", description = "add: the upgrade mode (INSTANT, SESSION, GRADUAL, CONCURRENT, ...)")
  String mode;

  @Parameter(names = "--set", description = "add: a mode setting key=value (repeat for more)")
  List<String> settings = new ArrayList<>();

  int execute(PrintStream out, PrintStream err) {
    if (words.isEmpty()) {
      throw new HandoverCli.UsageException("cluster needs one of: list, get ID, add, delete ID, rollback ID, activate ID, status");
    }
    String verb = words.get(0);
    HttpRequest.Builder request = switch (verb) {
      case "list" -> HttpRequest.newBuilder(uri("")).GET();
      case "get" -> HttpRequest.newBuilder(uri("/" + id(verb))).GET();
      case "delete" -> HttpRequest.newBuilder(uri("/" + id(verb))).DELETE();
      case "add" -> HttpRequest.newBuilder(uri("")).PUT(HttpRequest.BodyPublishers.ofByteArray(addBody()));
      case "rollback", "activate" -> HttpRequest.newBuilder(uri("/" + id(verb) + "/" + verb)).POST(HttpRequest.BodyPublishers.noBody());
      case "status" -> HttpRequest.newBuilder(base("/status")).GET();
      default -> throw new HandoverCli.UsageException(
          "unknown cluster action '" + verb + "'; use list, get, add, delete, rollback, activate or status");
    };
    String bearer = token != null ? token : System.getenv("HANDOVER_TOKEN");
    if (bearer != null && !bearer.isBlank()) {
      request.header("Authorization", "Bearer " + bearer.strip());
    }
    request.timeout(Duration.ofSeconds(30));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      PrintStream to = response.statusCode() >= 400 ? err : out;
      if (!response.body().isEmpty()) {
        to.println(response.body());
      } else if (response.statusCode() < 400) {
        to.println("done (" + response.statusCode() + ")");
      }
      return response.statusCode() >= 400 ? HandoverCli.FAILED : HandoverCli.OK;
    } catch (ConnectException e) {
      err.println("handover: no admin API at " + admin + " (is the proxy running? use --admin)");
    } catch (IOException e) {
      err.println("handover: admin API at " + admin + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return HandoverCli.FAILED;
  }

  private String id(String verb) {
    if (words.size() != 2) {
      throw new HandoverCli.UsageException("cluster " + verb + " takes one cluster id");
    }
    return words.get(1);
  }

  private URI uri(String suffix) {
    return base("/configuration/cluster" + suffix);
  }

  private URI base(String path) {
    try {
      return URI.create(admin.replaceAll("/+$", "") + path);
    } catch (IllegalArgumentException e) {
      throw new HandoverCli.UsageException("--admin is not a URL: " + admin);
    }
  }

  private byte[] addBody() {
    if (file != null) {
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
      if (colon <= 0 || colon == s.length() - 1) {
        throw new HandoverCli.UsageException("--server " + s + ": expected host:port");
      }
      String host = s.substring(0, colon).replace("[", "").replace("]", "");
      array.addObject().put("hostname", host).put("port", s.substring(colon + 1));
    }
    if (version != null) {
      cluster.put("version", version);
    }
    if (mode != null || !settings.isEmpty()) {
      ObjectNode transition = cluster.putObject("upgradeTransition");
      transition.put("mode", mode == null ? "INSTANT" : mode);
      for (String kv : settings) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new HandoverCli.UsageException("--set " + kv + ": expected key=value");
        }
        String value = kv.substring(eq + 1);
        try {
          transition.set(kv.substring(0, eq), Json.MAPPER.readTree(value));
        } catch (IOException e) {
          transition.put(kv.substring(0, eq), value);
        }
      }
    }
    return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}

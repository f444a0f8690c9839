package io.handover.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few calls of the Docker Engine API v1.41 (which podman's service speaks too) that Handover
 * needs. Blocking, with deadlines; call it from workers, never from IO threads.
 */
final class DockerEngine {

  private static final String API = "/v1.41";

  private final EngineHttp http;

  DockerEngine(EngineAddress address, Duration timeout) {
    this.http = new EngineHttp(address, timeout, timeout);
  }

  EngineAddress address() {
    return http.address();
  }

  /** Succeeds when the engine answers. */
  void ping() throws EngineException {
    expect(http.send("GET", "/_ping", null), "ping", 200);
  }

  /** Creates a container and returns its id. */
  String create(String name, ObjectNode body) throws EngineException {
    String target = API + "/containers/create" + (name == null ? "" : "?name=" + encode(name));
    JsonNode answer = json(expect(http.send("POST", target, bytes(body)), "create a container of " + body.path("Image").asText(), 201));
    return answer.path("Id").asText();
  }

  void start(String id) throws EngineException {
    expect(http.send("POST", API + "/containers/" + id + "/start", null), "start container " + shortId(id), 204, 304);
  }

  /** The container's inspection, or null when the engine has no such container. */
  JsonNode inspect(String id) throws EngineException {
    EngineHttp.Response r = http.send("GET", API + "/containers/" + id + "/json", null);
    if (r.status() == 404) {
      return null;
    }
    return json(expect(r, "inspect container " + shortId(id), 200));
  }

  /** Every container, running or not, that carries all these labels. */
  List<JsonNode> list(Map<String, String> labels) throws EngineException {
    List<String> filter = new ArrayList<>();
    labels.forEach((k, v) -> filter.add(k + "=" + v));
    String filters = encode(new String(bytes(Json.MAPPER.createObjectNode().set("label", Json.MAPPER.valueToTree(filter))),
        StandardCharsets.UTF_8));
    JsonNode answer = json(expect(http.send("GET", API + "/containers/json?all=true&filters=" + filters, null), "list containers", 200));
    List<JsonNode> found = new ArrayList<>();
    answer.forEach(found::add);
    return found;
  }

  /** Stops the container (SIGTERM, then SIGKILL after {@code seconds}) and removes it; a missing one is no error. */
  void stopAndRemove(String id, int seconds) throws EngineException {
    EngineHttp.Response stop = http.send("POST", API + "/containers/" + id + "/stop?t=" + seconds, null);
    if (stop.status() != 404) {
      expect(stop, "stop container " + shortId(id), 204, 304);
    }
    remove(id);
  }

  /** Removes the container, killing it if it runs; a missing one is no error. */
  void remove(String id) throws EngineException {
    EngineHttp.Response r = http.send("DELETE", API + "/containers/" + id + "?force=true&v=true", null);
    if (r.status() != 404) {
      expect(r, "remove container " + shortId(id), 204, 200);
    }
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private EngineHttp.Response expect(EngineHttp.Response r, String what, int... ok) throws EngineException {
    for (int status : ok) {
      if (r.status() == status) {
        return r;
      }
    }
    String message = r.text();
    try {
      JsonNode node = Json.MAPPER.readTree(r.body());
      if (node != null && node.hasNonNull("message")) {
        message = node.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: the text as it came
    }
    throw new EngineException("the container engine at " + address() + " could not " + what + " (" + r.status() + "): "
        + message.strip(), r.status());
  }

  private JsonNode json(EngineHttp.Response r) throws EngineException {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new EngineException("the container engine at " + address() + " sent JSON that cannot be read: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

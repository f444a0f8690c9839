package io.handover.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The container engine the tests use: {@code HANDOVER_TEST_DOCKER_HOST}, else the environment's,
 * and the test image {@value #IMAGE} — busybox's httpd on a scratch image — built with podman
 * when the engine has not got it.
 */
final class TestEngine {

  static final String IMAGE = "localhost/handover-test-httpd";
  static final String TAG = "1";

  final EngineAddress address;
  final DockerEngine engine;
  final EngineHttp http;
  /** Why the tests cannot run here, or null. */
  final String unavailable;

  TestEngine() {
    String configured = System.getenv("HANDOVER_TEST_DOCKER_HOST");
    address = configured == null || configured.isBlank() ? EngineAddress.fromEnvironment() : EngineAddress.parse(configured);
    engine = new DockerEngine(address, Duration.ofSeconds(20));
    http = new EngineHttp(address, Duration.ofSeconds(5), Duration.ofSeconds(20));
    unavailable = check();
  }

  private String check() {
    try {
      engine.ping();
    } catch (EngineException e) {
      return "no container engine at " + address + " (set HANDOVER_TEST_DOCKER_HOST): " + e.getMessage();
    }
    try {
      if (http.send("GET", "/v1.41/images/" + IMAGE + ":" + TAG + "/json", null).status() == 200) {
        return null;
      }
      return build();
    } catch (EngineException e) {
      return e.getMessage();
    }
  }

  /** Builds the test image from the host's busybox (Debian's busybox-static). */
  private String build() {
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      return "the engine at " + address + " has no " + IMAGE + ":" + TAG + " and there is no /bin/busybox to build it from";
    }
    try {
      Path context = Files.createTempDirectory("handover-test-image");
      Files.copy(busybox, context.resolve("busybox"));
      Files.writeString(context.resolve("Containerfile"),
          "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n");
      Process p = new ProcessBuilder("podman", "--url", address.toString(), "build", "-t", IMAGE + ":" + TAG, context.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return "podman could not build " + IMAGE + ":" + TAG + " (see .ci/run)";
      }
      return null;
    } catch (IOException e) {
      return "podman could not build " + IMAGE + ":" + TAG + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The containers of this scope (and version, when not null). */
  List<JsonNode> containers(String scope, String versionId) throws EngineException {
    return versionId == null
        ? engine.list(Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.SCOPE, scope))
        : engine.list(Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.SCOPE, scope, ContainerLabels.VERSION_ID, versionId));
  }

  void kill(String id) throws EngineException {
    int status = http.send("POST", "/v1.41/containers/" + id + "/kill", null).status();
    if (status != 204) {
      throw new EngineException("kill answered " + status, status);
    }
  }

  void removeAll(String scope) throws EngineException {
    for (JsonNode c : containers(scope, null)) {
      engine.remove(c.path("Id").asText());
    }
  }
}

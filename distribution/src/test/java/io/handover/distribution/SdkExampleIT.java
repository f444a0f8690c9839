package io.handover.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sdk/ example plugin builds offline against the unpacked tarball, loads from plugins/ and routes. */
class SdkExampleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MACHINE_REPOSITORY = Path.of(System.getProperty("handover.localRepository",
      System.getProperty("user.home") + "/.m2/repository"));

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void examplePluginBuildsOfflineLoadsFromPluginsAndRoutesByHeader() throws Exception {
    Optional<Path> mvn = onPath("mvn");
    assumeTrue(mvn.isPresent(), "mvn is not on PATH: skipping the build of the sdk example plugin");
    Path home = Tarball.unpackInto(dir);
    Path example = home.resolve("sdk/examples/dark-launch");

    // A local repository of its own, fed read-only from this machine's: the build writes nothing
    // there, and it proves the example needs only the tarball and plugins Handover's build fetched.
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, """
        <settings>
          <localRepository>%s</localRepository>
          <mirrors>
            <mirror><id>machine</id><mirrorOf>*,!handover-sdk</mirrorOf><url>%s</url></mirror>
          </mirrors>
        </settings>
        """.formatted(dir.resolve("m2"), MACHINE_REPOSITORY.toUri()));
    Commands.Result build = Commands.run(example, Map.of(), 600,
        mvn.get().toString(), "-o", "-q", "-B", "-s", settings.toString(), "package");
    assertThat(build.exitCode()).as("mvn -o -q package in %s; output: %s", example, build).isZero();

    Path jar = example.resolve("target/dark-launch-1.0.jar");
    assertThat(jar).isRegularFile();
    Files.copy(jar, home.resolve("plugins/dark-launch-1.0.jar"));

    try (Backend v1 = Backend.start("1.0");
         Backend v2 = Backend.start("2.0");
         HandoverProcess handover = HandoverProcess.run(home, TestConfig.write(home, v1.port()))) {
      String admin = "http://127.0.0.1:" + handover.adminPort();
      JsonNode loaded = JSON.readTree(get(URI.create(admin + "/configuration/strategies"), Map.of()).body());
      assertThat(loaded.get("problems")).as("%s", loaded).isEmpty();
      assertThat(Stream.of(JSON.treeToValue(loaded.get("strategies"), JsonNode[].class)))
          .as("%s", loaded)
          .anySatisfy(s -> {
            assertThat(s.get("name").asText()).isEqualTo("DARK_LAUNCH");
            assertThat(s.get("source").asText()).isEqualTo("dark-launch-1.0.jar");
          });

      HttpResponse<String> added = client.send(HttpRequest.newBuilder(URI.create(admin + "/configuration/cluster"))
          .PUT(HttpRequest.BodyPublishers.ofString("""
              {"cluster":{"servers":[{"hostname":"127.0.0.1","port":%d}],"version":"2.0",
                          "upgradeTransition":{"mode":"DARK_LAUNCH","header":"X-Beta"}}}
              """.formatted(v2.port())))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(added.statusCode()).as("%s", added.body()).isEqualTo(202);

      URI proxy = URI.create("http://127.0.0.1:" + handover.proxyPort() + "/");
      assertThat(get(proxy, Map.of()).body()).isEqualTo("{\"version\":\"1.0\"}");
      assertThat(get(proxy, Map.of("X-Beta", "yes")).body()).isEqualTo("{\"version\":\"2.0\"}");
      handover.stop();
    }
  }

  private HttpResponse<String> get(URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    headers.forEach(request::header);
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
    return response;
  }

  private static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, command))
        .filter(Files::isExecutable)
        .findFirst();
  }
}

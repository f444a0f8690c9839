package io.handover.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/handover of the unpacked tarball, run as a user runs it. */
class StartScriptIT {

  private static final String VERSION_LINE = "handover " + Tarball.VERSION;

  @TempDir
  Path dir;

  private Path home;

  @BeforeEach
  void unpack() {
    home = Tarball.unpackInto(dir);
  }

  @Test
  void versionOptionAndCommandPrintTheVersion() {
    for (String arg : new String[] {"--version", "version"}) {
      Commands.Result result = Commands.succeed(dir, 60, home.resolve("bin/handover").toString(), arg);
      assertThat(result.stdout().strip()).as(arg).isEqualTo(VERSION_LINE);
    }
  }

  @Test
  void findsItsHomeThroughSymbolicLinks() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/bin"));
    Path absolute = Files.createSymbolicLink(elsewhere.resolve("handover"), home.resolve("bin/handover"));
    // A relative link to the first link: two hops, the second relative to the link's own folder.
    Path relative = Files.createSymbolicLink(dir.resolve("ho"), Path.of("elsewhere/bin/handover"));

    for (Path link : new Path[] {absolute, relative}) {
      Commands.Result result = Commands.succeed(Files.createDirectories(dir.resolve("cwd")), 60, link.toString(), "--version");
      assertThat(result.stdout().strip()).as(link.toString()).isEqualTo(VERSION_LINE);
    }
  }

  @Test
  void runsTheJavaOfJavaHomeWithJavaOpts() throws IOException {
    // A JAVA_HOME whose bin/java records its arguments, then runs the real java.
    Path javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
    Path calls = dir.resolve("java-calls.txt");
    Path java = javaHome.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\" >> '" + calls + "'\nexec '"
        + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    Commands.Result result = Commands.run(dir, Map.of("JAVA_HOME", javaHome.toString(), "JAVA_OPTS", "-Xmx96m -Dhandover.it=yes"),
        60, home.resolve("bin/handover").toString(), "--version");

    assertThat(result.exitCode()).as("output: %s", result).isZero();
    assertThat(result.stdout().strip()).isEqualTo(VERSION_LINE);
    assertThat(Files.readString(calls)).contains("-Xmx96m -Dhandover.it=yes", "-Dhandover.home=" + home, "io.handover.engine.cli.HandoverCli --version");
  }

  @Test
  void aMissingJavaHomeIsReported() {
    Commands.Result result = Commands.run(dir, Map.of("JAVA_HOME", dir.resolve("no-such-jdk").toString()), 60,
        home.resolve("bin/handover").toString(), "--version");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("no java found");
  }

  @Test
  void runProxiesToTheConfiguredBackendUntilStopped() throws Exception {
    try (Backend backend = Backend.start("1.0");
         HandoverProcess handover = HandoverProcess.run(home, TestConfig.write(home, backend.port()))) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + handover.proxyPort() + "/hello")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as("output: %s", handover.output()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"version\":\"1.0\"}");

      int exitCode = handover.stop();
      assertThat(exitCode).as("exit code after SIGTERM: a graceful stop; output: %s", handover.output()).isZero();
      assertThatThrownBy(() -> client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + handover.proxyPort() + "/hello")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()))
          .as("the proxy port is closed once stopped")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void adminCommandsWorkThroughTheScriptAndMakeTheClassDataArchiveOnce() throws Exception {
    Files.deleteIfExists(home.resolve("lib/handover-cli.jsa"));
    try (Backend backend = Backend.start("1.0");
         HandoverProcess handover = HandoverProcess.run(home, TestConfig.write(home, backend.port()))) {
      String admin = "http://127.0.0.1:" + handover.adminPort();
      String script = home.resolve("bin/handover").toString();
      Commands.Result table = Commands.succeed(dir, 120, script, "cluster", "list", "--admin-url", admin);
      assertThat(table.stdout().lines().toList().get(0)).startsWith("VERSION").contains("UUID", "STATE", "MODE");
      assertThat(table.stdout()).contains("1.0", "127.0.0.1:" + backend.port());
      assertThat(home.resolve("lib/handover-cli.jsa")).isNotEmptyFile();

      Commands.Result json = Commands.succeed(dir, 60, script, "cluster", "status", "--admin-url", admin, "-o", "json");
      assertThat(json.stdout()).contains("\"versions\"", "\"1.0\"");
      assertThat(json.stderr()).isEmpty();

      Commands.Result refused = Commands.run(dir, java.util.Map.of(), 60, script, "cluster", "rollback", "9.9", "--admin-url", admin);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.stderr().lines().toList()).containsExactly("handover: the proxy refused (404): id: no cluster with id 9.9");
    }
    Commands.Result unreachable = Commands.run(dir, java.util.Map.of(), 60, home.resolve("bin/handover").toString(),
        "cluster", "list", "--admin-url", "http://127.0.0.1:1");
    assertThat(unreachable.exitCode()).isEqualTo(2);
    assertThat(unreachable.stderr().lines().toList()).singleElement().asString().startsWith("handover: no admin API at http://127.0.0.1:1 ");
  }
}

package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.TestBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the command as a user would, in its own process, in both command-line forms. */
class CliProcessIT {

  @TempDir
  Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Process start(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HandoverCli.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void awaitLine(Process p, String needle) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = r.readLine()) != null; ) {
      seen.add(line);
      if (line.contains(needle)) {
        Thread t = new Thread(() -> r.lines().forEach(l -> { }));
        t.setDaemon(true);
        t.start();
        return;
      }
    }
    throw new AssertionError("process ended without '" + needle + "': " + seen);
  }

  @Test
  void runsFromAConfigFileInBothFormsAndTakesANewVersion() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (TestBackend v1 = new TestBackend("v1", "1.0"); TestBackend v2 = new TestBackend("v2", "2.0")) {
      for (boolean thesisForm : new boolean[] {true, false}) {
        int proxyPort = freePort();
        int adminPort = freePort();
        Path config = Files.writeString(dir.resolve("config-" + thesisForm + ".json"),
            "{\"proxy\":{\"port\":" + proxyPort + ",\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":" + adminPort
                + "},\"cluster\":{\"servers\":[" + v1.serverJson() + "],\"version\":\"1.0\"}}");
        List<String> args = thesisForm
            ? List.of("-configFile=" + config, "-logLevel=INFO")
            : List.of("run", "--config-file", config.toString(), "--log-level", "INFO");
        Process p = start(args);
        try {
          awaitLine(p, "proxy listening");
          URI proxy = URI.create("http://127.0.0.1:" + proxyPort + "/x");
          assertThat(client.send(HttpRequest.newBuilder(proxy).build(), HttpResponse.BodyHandlers.ofString()).body())
              .isEqualTo("1.0 v1 GET /x");

          Process add = start(List.of("cluster", "add", "--admin", "http://127.0.0.1:" + adminPort,
              "--server", "127.0.0.1:" + v2.port(), "--version", "2.0", "--mode", "INSTANT"));
          assertThat(add.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(add.exitValue()).isEqualTo(0);

          assertThat(client.send(HttpRequest.newBuilder(proxy).build(), HttpResponse.BodyHandlers.ofString()).body())
              .isEqualTo("2.0 v2 GET /x");
        } finally {
          p.destroy();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void aSecondInstanceOnTheSameStateFileExitsWith2NamingTheFile() throws Exception {
    Path state = dir.resolve("state").resolve("clusters.json");
    Path first = Files.writeString(dir.resolve("first.json"), "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},"
        + "\"configService\":{\"port\":0},\"stateFile\":\"state/clusters.json\"}");
    Path second = Files.writeString(dir.resolve("second.json"), Files.readString(first));
    Process running = start(List.of("-configFile=" + first, "-logLevel=INFO"));
    try {
      awaitLine(running, "proxy listening");
      Process refused = start(List.of("-configFile=" + second, "-logLevel=WARN"));
      assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> lines = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(refused.exitValue()).as(String.join("\n", lines)).isEqualTo(2);
      assertThat(lines).singleElement().asString()
          .startsWith("handover: state file: " + state)
          .contains("in use by another handover instance");
    } finally {
      running.destroy();
      running.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandoverCliTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return HandoverCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void splitsTheOriginalEqualsForm() {
    assertThat(HandoverCli.splitEquals(new String[] {"-configFile=config.json", "-logLevel=INFO"}))
        .containsExactly("-configFile", "config.json", "-logLevel", "INFO");
    assertThat(HandoverCli.splitEquals(new String[] {"-configFile=", "config/config_script.json"}))
        .containsExactly("-configFile", "config/config_script.json");
    assertThat(HandoverCli.splitEquals(new String[] {"run", "--config-file", "a=b.json"}))
        .containsExactly("run", "--config-file", "a=b.json");
  }

  @Test
  void aMissingConfigFileIsOneLineAndExitCode2InBothForms() {
    Path missing = dir.resolve("missing.json");
    assertThat(run("-configFile=" + missing, "-logLevel=INFO")).isEqualTo(2);
    assertThat(err()).isEqualTo("handover: " + missing + ": no such file" + System.lineSeparator());
    err.reset();
    assertThat(run("run", "--config-file", missing.toString(), "--log-level", "INFO")).isEqualTo(2);
    assertThat(err().lines()).containsExactly("handover: " + missing + ": no such file");
  }

  @Test
  void anInvalidConfigFileIsNamedWithTheProblem() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"proxy\":{\"port\":\"eighty\"}}");
    assertThat(run("-configFile=" + bad)).isEqualTo(2);
    assertThat(err().lines()).singleElement().asString()
        .startsWith("handover: " + bad + ": ")
        .contains("proxy.port");
  }

  @Test
  void aBadEtcdEndpointIsOneLineNamingTheFlag() throws Exception {
    Path config = Files.writeString(dir.resolve("c.json"), "{\"cookieSecret\":\"a-secret-of-16-chars\"}");
    assertThat(run("-configFile=" + config, "--etcd-endpoints", "http://e1:2379,e2:2379")).isEqualTo(2);
    assertThat(err().lines()).containsExactly("handover: " + config + ": --etcd-endpoints[1] must be an etcd URL such as http://127.0.0.1:2379");
  }

  @Test
  void anUnknownNestedKeyIsOneLineNamingItsPath() throws Exception {
    Path bad = Files.writeString(dir.resolve("typo.json"), "{\"configService\":{\"port\":0,\"tokn\":\"x\"}}");
    assertThat(run("-configFile=" + bad)).isEqualTo(2);
    assertThat(err().lines()).containsExactly(
        "handover: " + bad + ": configService.tokn: unknown key; known: allowedHosts, bindAddress, maxBodyBytes, port, tls, token, tokenFile");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).contains("give a config file");
    err.reset();
    assertThat(run("--bogus")).isEqualTo(2);
    err.reset();
    assertThat(run("-configFile=x.json", "-logLevel=LOUD")).isEqualTo(2);
    assertThat(err()).contains("unknown log level 'LOUD'");
  }

  @Test
  void aPortInUseNamesTheAddressAndTheListener() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path proxyTaken = Files.writeString(dir.resolve("proxy.json"),
          "{\"proxy\":{\"port\":" + port + ",\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":0}}");
      assertThat(run("-configFile=" + proxyTaken)).isEqualTo(2);
      assertThat(err().lines()).singleElement().asString()
          .isEqualTo("handover: cannot start: the proxy listener cannot bind 127.0.0.1:" + port + " (proxy.port): address already in use or not available");
      err.reset();
      Path adminTaken = Files.writeString(dir.resolve("admin.json"),
          "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":" + port + ",\"bindAddress\":\"127.0.0.1\"}}");
      assertThat(run("run", "--config-file", adminTaken.toString())).isEqualTo(2);
      assertThat(err().lines()).singleElement().asString()
          .contains("the admin API listener cannot bind 127.0.0.1:" + port + " (configService.port)");
    }
  }

  @Test
  void aConfigFileThatIsNotJsonIsNamedWithTheLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("broken.json"), "{\"proxy\":{\"port\":8080,}\n}");
    assertThat(run("-configFile=" + bad)).isEqualTo(2);
    assertThat(err().lines()).singleElement().asString().startsWith("handover: " + bad + ": ").containsIgnoringCase("line");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("run", "demo", "cluster");
    out.reset();
    assertThat(run("run", "--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config-file");
    out.reset();
    assertThat(run("demo", "--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--admin-port");
  }

  @Test
  void anUnknownCommandIsOneLineAndExitCode2() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err().lines()).containsExactly("handover: unknown command 'frobnicate' (see handover --help)");
  }
}

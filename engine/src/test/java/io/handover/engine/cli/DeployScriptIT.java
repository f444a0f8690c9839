package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** distribution/examples/deploy.sh, run by sh against a real proxy with clients asking it all along. */
class DeployScriptIT {

  private static final Path SCRIPT = Path.of("..", "distribution", "examples", "deploy.sh").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  private ProxyFixture proxy;
  private TestBackend v1;
  private TestBackend v2;
  private final AtomicBoolean asking = new AtomicBoolean(true);
  private Thread clients;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture();
    v1 = new TestBackend("v1", "1.0").behave(e -> e.getResponseSender().send("same answer"));
    v2 = new TestBackend("v2", "2.0");
    proxy.addVersion("1.0", null, v1);
    clients = new Thread(() -> {
      while (asking.get()) {
        try {
          proxy.get("/items");
        } catch (Exception e) {
          // counted by the proxy; the script decides
        }
      }
    });
    clients.setDaemon(true);
    clients.start();
  }

  @AfterEach
  void stop() throws Exception {
    asking.set(false);
    clients.join(5000);
    proxy.close();
    v1.close();
    v2.close();
  }

  private Process deploy() throws Exception {
    Path handover = dir.resolve("handover");
    Files.writeString(handover, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' " + HandoverCli.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(handover, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder(List.of("sh", SCRIPT.toString(), "2.0", "127.0.0.1:" + v2.port())).redirectErrorStream(true);
    pb.environment().put("HANDOVER", handover.toString());
    pb.environment().put("HANDOVER_ADMIN_URL", "http://127.0.0.1:" + proxy.adminPort());
    pb.environment().put("MATCHES", "20");
    pb.environment().put("INTERVAL", "1");
    pb.environment().put("TIMEOUT", "90");
    return pb.start();
  }

  @Test
  void aVersionThatAnswersAlikeIsPromotedAndTheOldOneRemoved() throws Exception {
    v2.behave(e -> e.getResponseSender().send("same answer"));
    Process p = deploy();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isEqualTo(0);
    assertThat(output).contains("promoted to INSTANT", "removed the older version");
    assertThat(proxy.admin("GET", "/configuration/cluster").body()).contains("\"2.0\"").doesNotContain("\"1.0\"");
    assertThat(proxy.get("/items").headers().firstValue("X-Backend")).hasValue("v2");
  }

  @Test
  void aFailingVersionIsRolledBackAndThePipelineFails() throws Exception {
    v2.behave(e -> {
      e.setStatusCode(500);
      e.getResponseSender().send("broken");
    });
    Process p = deploy();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("was rolled back");
    assertThat(proxy.admin("GET", "/configuration/cluster").body()).contains("\"1.0\"", "ROLLED_BACK");
  }
}

package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.Handover;
import io.handover.engine.config.EtcdSettings;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.EtcdServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line with a real etcd: an instance whose cookie secret is not the cluster's refuses to start. */
class EtcdCliIT {

  @TempDir
  Path dir;

  @Test
  void anotherCookieSecretIsOneLineAndExitCode2() throws Exception {
    Assumptions.assumeTrue(EtcdServer.binary() != null, "skipped: no etcd binary on the PATH (apt-get install etcd-server)");
    try (EtcdServer etcd = EtcdServer.start();
        Handover first = Handover.start(HandoverConfig.ephemeral().withCookieSecret("the-first-secret-16")
            .withEtcd(new EtcdSettings(List.of(etcd.endpoint()), "/handover/cli/", "first")))) {
      Path config = Files.writeString(dir.resolve("c.json"), """
          {"proxy":{"port":0,"bindAddress":"127.0.0.1"},"configService":{"port":0},"cookieSecret":"another-secret-16+",
           "store":{"etcd":{"prefix":"/handover/cli/"}}}
          """);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = HandoverCli.run(new String[] {"-configFile=" + config, "--etcd-endpoints", etcd.endpoint()},
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
          .startsWith("handover: store: store.etcd: this instance's cookieSecret differs from the one the instances under /handover/cli/ use");
      assertThat(first.registry().storeStatus().get("reachable")).isEqualTo(true);
    }
  }
}

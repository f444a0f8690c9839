package io.handover.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's whole tour, in its short form, on free loopback ports. */
class DemoCommandTest {

  @Test
  void theTourShowsEveryModeAndEndsByItselfWithExitCode0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = HandoverCli.run(new String[] {"demo", "--speed", "fast", "--port", "0", "--admin-port", "0", "--backend-ports", "0,0"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text + err.toString(StandardCharsets.UTF_8)).isEqualTo(0);
    assertThat(text).contains("== INSTANT", "== SESSION", "== GRADUAL", "== CONCURRENT", "== FAILOVER and ROLLBACK", "== Summary");
    assertThat(text).contains("2.0 promoted (automatic)", "2.0 rolled back (automatic)", "noise learned: body /requestId differs");
    assertThat(text).containsPattern("2.0 promoted \\(automatic\\): stage 1 of 1: .*consecutive matches.* failed, Wilson upper bound 0\\.[0-9]+ < 0\\.1 at 95% confidence");
    assertThat(text.substring(text.indexOf("== Summary")).lines().filter(l -> l.contains(" ok ")).count()).isEqualTo(5);
    assertThat(text).doesNotContain("FAIL ");
    assertThat(RunCommand.keepsRunning()).isFalse();
  }

  @Test
  void anUnknownSpeedIsAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = HandoverCli.run(new String[] {"demo", "--speed", "ludicrous"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly("handover: --speed ludicrous: use normal or fast");
  }
}

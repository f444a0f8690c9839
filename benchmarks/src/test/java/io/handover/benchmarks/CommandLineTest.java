package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.beust.jcommander.ParameterException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The flags of {@link SaturationTest} and {@link UpdateRecoveryTest}, read without running either. */
class CommandLineTest {

  @Test
  void saturationDefaults() {
    SaturationTest.Options o = SaturationTest.Options.parse(new String[0]);
    assertThat(o).isEqualTo(new SaturationTest.Options(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 64,
        "small", "INSTANT", "proxied", 0, 2, -1));
  }

  @Test
  void saturationFlags() {
    SaturationTest.Options o = SaturationTest.Options.parse(new String[] {"--duration", "1h", "--interval", "90", "--warmup", "10s",
        "--connections", "400", "--body", "large", "--mode", "session", "--target", "direct", "--rate", "2500.5", "--io-threads", "4",
        "--max-drift", "5"});
    assertThat(o).isEqualTo(new SaturationTest.Options(Duration.ofHours(1), Duration.ofSeconds(90), Duration.ofSeconds(10), 400,
        "large", "SESSION", "direct", 2500.5, 4, 5));
  }

  @Test
  void theIntervalFollowsTheDurationAndNeverExceedsIt() {
    assertThat(SaturationTest.Options.parse(new String[] {"--duration", "2m"}).interval()).isEqualTo(Duration.ofSeconds(6));
    assertThat(SaturationTest.Options.parse(new String[] {"--duration", "10s"}).interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(SaturationTest.Options.parse(new String[] {"--duration", "20s", "--interval", "1m"}).interval())
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void smokeIsShortUnlessTheFlagsSayOtherwise() {
    SaturationTest.Options smoke = SaturationTest.Options.parse(new String[] {"--smoke"});
    assertThat(smoke.duration()).isEqualTo(Duration.ofSeconds(8));
    assertThat(smoke.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(smoke.warmup()).isEqualTo(Duration.ofSeconds(2));
    assertThat(SaturationTest.Options.parse(new String[] {"--smoke", "--duration", "20s"}).duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(SaturationTest.Options.parse(new String[] {"--duration", "20s", "--smoke"}).duration()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void badSaturationFlagsAreErrorsNamingTheFlag() {
    assertError(() -> SaturationTest.Options.parse(new String[] {"--durration", "10m"}), "unknown flag --durration");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--duration"}), "--duration");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--duration", "10x"}), "--duration");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--duration", "0"}), "--duration");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--connections", "many"}), "--connections");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--connections", "0"}), "--connections");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--body", "huge"}), "--body");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--target", "nginx"}), "--target");
    assertError(() -> SaturationTest.Options.parse(new String[] {"--rate", "-1"}), "--rate");
    assertError(() -> SaturationTest.Options.parse(new String[] {"stray"}), "stray");
  }

  @Test
  void updateRecoveryDefaultsAndFlags() {
    assertThat(UpdateRecoveryTest.Options.parse(new String[0]))
        .isEqualTo(new UpdateRecoveryTest.Options(3, "INSTANT", 64, "small", 0, 3_000, 3_000));
    assertThat(UpdateRecoveryTest.Options.parse(new String[] {"--rounds", "5", "--mode", "SESSION", "--connections", "8", "--body", "large",
        "--rate", "1000", "--warmup", "5s", "--settle", "1m"}))
        .isEqualTo(new UpdateRecoveryTest.Options(5, "SESSION", 8, "large", 1000, 5_000, 60_000));
  }

  @Test
  void badUpdateRecoveryFlagsAreErrorsNamingTheFlag() {
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--round", "3"}), "--round");
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--rounds"}), "--rounds");
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--rounds", "0"}), "--rounds");
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--settle", "soon"}), "--settle");
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--smoke"}), "unknown flag --smoke");
    assertError(() -> UpdateRecoveryTest.Options.parse(new String[] {"--body", "tiny"}), "--body");
  }

  @Test
  void theUsageListsEveryFlag() {
    assertThat(CommandLine.usage(SaturationTest.NAME, new SaturationTest.Flags())).contains(SaturationTest.NAME, "--duration",
        "--interval", "--warmup", "--connections", "--body", "--mode", "--target", "--rate", "--io-threads", "--max-drift", "--smoke",
        "--help");
    assertThat(CommandLine.usage(UpdateRecoveryTest.NAME, new UpdateRecoveryTest.Flags())).contains(UpdateRecoveryTest.NAME, "--rounds",
        "--mode", "--connections", "--body", "--rate", "--warmup", "--settle", "--help");
  }

  private static void assertError(Runnable parse, String flag) {
    assertThatThrownBy(parse::run).isInstanceOf(ParameterException.class).hasMessageContaining(flag);
  }
}

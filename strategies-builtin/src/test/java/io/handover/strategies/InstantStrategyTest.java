package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.InvalidSettingException;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstantStrategyTest {

  private final FakeContext context = FakeContext.at(0);

  @Test
  void everythingGoesToNewestActive() {
    VersionInfo v1 = Versions.active("1.0", "INSTANT", 1);
    VersionInfo v2 = Versions.active("2.0", "INSTANT", 2);
    VersionInfo v3 = Versions.rolledBack("3.0", "INSTANT", 3);
    UpgradeStrategy s = new InstantStrategyFactory().create(Settings.of(Map.of("mode", "INSTANT")), context);

    RoutingDecision d = s.decide(FakeRequest.get("/"), Versions.of(v3, v2, v1));
    assertThat(d.target()).isEqualTo(v2);
    assertThat(d.mirror()).isNull();
    assertThat(d.cookies()).isEmpty();
  }

  @Test
  void reportsNoTrafficShare() {
    // All traffic moves at once: there is no ramp for a promotion's rampComplete to wait on.
    UpgradeStrategy s = new InstantStrategyFactory().create(Settings.of(Map.of("mode", "INSTANT")), context);
    assertThat(s.trafficShare()).isEmpty();
  }

  @Test
  void settingsOtherThanModeAreRejected() {
    assertThatThrownBy(() -> new InstantStrategyFactory().create(
        Settings.of(Map.of("mode", "INSTANT", "sessionTimeout", 5)), context))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("sessionTimeout is not a setting of INSTANT; known: mode, match")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("sessionTimeout");
  }
}

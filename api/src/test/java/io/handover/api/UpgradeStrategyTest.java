package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class UpgradeStrategyTest {

  @Test
  void aStrategyWithOnlyDecideHasNoStatusAndNoTrafficShare() {
    UpgradeStrategy plain = (request, versions) -> RoutingDecision.to(versions.active().get(0));
    assertThat(plain.status()).isEmpty();
    assertThat(plain.trafficShare()).isEqualTo(OptionalDouble.empty());
  }
}

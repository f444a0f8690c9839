package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.UpgradeStrategyFactory;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class StrategyServiceLoaderTest {

  @Test
  void findsTheFourBuiltInModes() {
    List<UpgradeStrategyFactory> factories = ServiceLoader.load(UpgradeStrategyFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .toList();

    assertThat(factories).extracting(UpgradeStrategyFactory::name)
        .containsExactlyInAnyOrder("INSTANT", "SESSION", "GRADUAL", "CONCURRENT");
    assertThat(factories).allSatisfy(f -> assertThat(f.description()).isNotBlank());
  }
}

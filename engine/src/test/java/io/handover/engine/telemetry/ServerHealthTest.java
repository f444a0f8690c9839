package io.handover.engine.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerHealthTest {

  private final FakeTicker ticker = new FakeTicker();
  private final ServerHealth health = new ServerHealth(new ServerHealth.Policy(3, 1_000, 5_000), ticker);

  @Test
  void ejectsAfterFailuresInARowAndComesBackAfterTheBackOff() {
    assertThat(health.failed(FailureKind.REFUSED)).isNull();
    assertThat(health.failed(FailureKind.RESET)).isNull();
    ServerHealth.Ejection ejection = health.failed(FailureKind.SERVER_ERROR);

    assertThat(ejection).isEqualTo(new ServerHealth.Ejection(1_000, 3, FailureKind.SERVER_ERROR));
    assertThat(health.available()).isFalse();
    assertThat(health.ejected()).isTrue();
    assertThat(health.ejectedForMillis()).isBetween(1L, 1_001L);
    assertThat(health.lastFailure()).isEqualTo(FailureKind.SERVER_ERROR);

    ticker.advance(Duration.ofMillis(999));
    assertThat(health.available()).isFalse();
    ticker.advance(Duration.ofMillis(1));
    assertThat(health.available()).isTrue();
    assertThat(health.ejected()).isFalse();
    assertThat(health.millisSinceLastFailure()).isEqualTo(1_000);
  }

  @Test
  void eachEjectionInARowDoublesTheBackOffUpToTheMaximum() {
    long[] expected = {1_000, 2_000, 4_000, 5_000, 5_000};
    for (long millis : expected) {
      health.failed(FailureKind.REFUSED);
      health.failed(FailureKind.REFUSED);
      assertThat(health.failed(FailureKind.REFUSED).forMillis()).isEqualTo(millis);
      ticker.advance(Duration.ofMillis(millis));
    }
    assertThat(health.ejections()).isEqualTo(5);
  }

  @Test
  void anAnswerAfterTheEjectionResetsTheBackOffAndTheCount() {
    for (int i = 0; i < 3; i++) {
      health.failed(FailureKind.REFUSED);
    }
    ticker.advance(Duration.ofSeconds(1));
    health.succeeded();
    assertThat(health.ejections()).isZero();
    health.failed(FailureKind.REFUSED);
    health.succeeded();
    health.failed(FailureKind.REFUSED);
    health.failed(FailureKind.REFUSED);
    assertThat(health.available()).isTrue();
    assertThat(health.failed(FailureKind.REFUSED).forMillis()).isEqualTo(1_000);
  }

  @Test
  void aFailedActiveCheckTakesTheServerOutWhateverPassiveHealthSays() {
    health.activelyHealthy(false);
    assertThat(health.available()).isFalse();
    assertThat(health.ejected()).isFalse();
    health.activelyHealthy(true);
    assertThat(health.available()).isTrue();
  }
}

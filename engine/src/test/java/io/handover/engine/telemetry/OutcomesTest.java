package io.handover.engine.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomesTest {

  private final FakeTicker ticker = new FakeTicker();
  private final Outcomes outcomes = new Outcomes(ticker);

  @Test
  void countsOverTheLastSecondsOnly() {
    outcomes.success();
    outcomes.failure();
    ticker.advance(Duration.ofSeconds(5));
    outcomes.success();
    outcomes.mismatch();

    assertThat(outcomes.window(1)).isEqualTo(new Outcomes.Window(2, 0, 1));
    assertThat(outcomes.window(6)).isEqualTo(new Outcomes.Window(4, 1, 1));
    assertThat(outcomes.window(6).failureRate()).isEqualTo(0.5);
    ticker.advance(Duration.ofSeconds(10));
    assertThat(outcomes.window(10)).isEqualTo(new Outcomes.Window(0, 0, 0));
  }

  @Test
  void aSlotUsedAnHourAgoStartsAfresh() {
    outcomes.failure();
    ticker.advance(Duration.ofHours(1));
    outcomes.success();
    assertThat(outcomes.window(3600)).isEqualTo(new Outcomes.Window(1, 0, 0));
  }

  @Test
  void restartForgetsWhatCameBefore() {
    outcomes.failure();
    outcomes.failure();
    outcomes.restart();
    assertThat(outcomes.window(30).requests()).isZero();
    ticker.advance(Duration.ofSeconds(1));
    outcomes.success();
    assertThat(outcomes.window(30)).isEqualTo(new Outcomes.Window(1, 0, 0));
  }

  @Test
  void noRequestsIsNoFailureRate() {
    assertThat(outcomes.window(30).failureRate()).isZero();
  }
}

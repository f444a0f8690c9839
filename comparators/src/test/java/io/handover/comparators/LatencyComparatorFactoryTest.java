package io.handover.comparators;

import static io.handover.comparators.Summaries.latencyMillis;
import static io.handover.comparators.Summaries.latencyNanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.handover.api.ComparisonResult;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyComparatorFactoryTest {

  private final LatencyComparatorFactory factory = new LatencyComparatorFactory();

  private ResponseComparator create(Map<String, ?> settings) {
    return factory.create(Settings.of(settings));
  }

  private InvalidSettingException invalid(Map<String, ?> settings) {
    return catchThrowableOfType(InvalidSettingException.class, () -> create(settings));
  }

  @Test
  void nameIsLatency() {
    assertThat(factory.name()).isEqualTo("latency");
  }

  @Test
  void defaultsAllowTwiceTheTargetPlusFiftyMillis() {
    ResponseComparator comparator = create(Map.of());
    // limit = 100 ms × 2 + 50 ms = 250 ms
    assertThat(comparator.compare(latencyMillis(100), latencyMillis(20)).matches()).isTrue();
    assertThat(comparator.compare(latencyMillis(100), latencyMillis(250)).matches()).isTrue();
    assertThat(comparator.compare(latencyNanos(100_000_000), latencyNanos(250_000_001)).matches()).isFalse();
  }

  @Test
  void slackLetsFastResponsesJitter() {
    ResponseComparator comparator = create(Map.of());
    assertThat(comparator.compare(latencyMillis(1), latencyMillis(40)).matches()).isTrue();
    assertThat(comparator.compare(latencyMillis(0), latencyMillis(51)).matches()).isFalse();
  }

  @Test
  void mismatchReasonGivesBothLatenciesAndTheLimit() {
    ComparisonResult result = create(Map.of()).compare(latencyMillis(42), latencyMillis(180));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("latency 42.0 ms vs 180.0 ms, over the limit of 134.0 ms (target × 2 + 50 ms)");
  }

  @Test
  void factorAndSlackAreConfigurable() {
    ResponseComparator strict = create(Map.of("factor", 1.0, "slackMillis", 0));
    assertThat(strict.compare(latencyMillis(100), latencyMillis(100)).matches()).isTrue();
    assertThat(strict.compare(latencyMillis(100), latencyMillis(101)).matches()).isFalse();

    ResponseComparator lenient = create(Map.of("factor", "1.5", "slackMillis", "10"));
    assertThat(lenient.compare(latencyMillis(100), latencyMillis(160)).matches()).isTrue();
    ComparisonResult slow = lenient.compare(latencyMillis(100), latencyMillis(161));
    assertThat(slow.matches()).isFalse();
    assertThat(slow.reason()).contains("target × 1.5 + 10 ms");
  }

  @Test
  void negativeLatencyDiffersInsteadOfThrowing() {
    ComparisonResult result = create(Map.of()).compare(latencyNanos(-1), latencyNanos(5));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("latency not measured: -1 ns vs 5 ns");
  }

  @Test
  void hugeLatenciesDoNotOverflow() {
    ResponseComparator comparator = create(Map.of("factor", 1000));
    assertThat(comparator.compare(latencyNanos(Long.MAX_VALUE / 2), latencyNanos(Long.MAX_VALUE)).matches()).isTrue();
    assertThat(comparator.compare(latencyNanos(0), latencyNanos(Long.MAX_VALUE)).matches()).isFalse();
  }

  @Test
  void factorMustBePositive() {
    assertThat(invalid(Map.of("factor", 0)).field()).isEqualTo("factor");
    InvalidSettingException negative = invalid(Map.of("factor", -1.5));
    assertThat(negative.field()).isEqualTo("factor");
    assertThat(negative.getMessage()).isEqualTo("factor must be greater than 0 and at most 1000");
    assertThat(invalid(Map.of("factor", "fast")).getMessage()).isEqualTo("factor must be a number");
    assertThat(invalid(Map.of("factor", 1001)).field()).isEqualTo("factor");
  }

  @Test
  void slackMustBeAWholeNonNegativeNumberOfMillis() {
    InvalidSettingException negative = invalid(Map.of("slackMillis", -1));
    assertThat(negative.field()).isEqualTo("slackMillis");
    assertThat(negative.getMessage()).isEqualTo("slackMillis must be between 0 and 3600000");
    assertThat(invalid(Map.of("slackMillis", 1.5)).getMessage()).isEqualTo("slackMillis must be a whole number");
    assertThat(invalid(Map.of("slackMillis", true)).field()).isEqualTo("slackMillis");
  }

  @Test
  void unknownSettingIsRejectedWithTheKnownOnes() {
    InvalidSettingException e = invalid(Map.of("slack", 10));
    assertThat(e.field()).isEqualTo("slack");
    assertThat(e.getMessage()).isEqualTo("slack is not a setting of latency; known: factor, slackMillis");
  }
}

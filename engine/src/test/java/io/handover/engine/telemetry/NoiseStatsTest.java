package io.handover.engine.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.Difference;
import io.handover.api.Ignores;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NoiseStatsTest {

  private static Difference body(String pointer) {
    return new Difference(Difference.Kind.BODY, pointer, "\"a\"", "\"b\"");
  }

  @Test
  void samplingTakesEveryNthRequest() {
    NoiseStats noise = new NoiseStats();
    long taken = IntStream.range(0, 100).filter(i -> noise.sampleNext(0.05)).count();
    assertThat(taken).isEqualTo(5);
    NoiseStats never = new NoiseStats();
    assertThat(IntStream.range(0, 100).anyMatch(i -> never.sampleNext(0))).isFalse();
    NoiseStats always = new NoiseStats();
    assertThat(IntStream.range(0, 10).allMatch(i -> always.sampleNext(1))).isTrue();
  }

  @Test
  void placesAreCountedWithTheFirstExampleAndLearned() {
    NoiseStats noise = new NoiseStats();
    noise.sampled(List.of(body("/id"), new Difference(Difference.Kind.HEADER, "date", "\"1\"", "\"2\"")));
    noise.sampled(List.of(new Difference(Difference.Kind.BODY, "/id", "\"c\"", "\"d\"")));
    noise.sampled(List.of());
    assertThat(noise.samples()).isEqualTo(3);
    assertThat(noise.places()).containsExactly(
        new NoiseStats.Noise(Difference.Kind.BODY, "/id", 2, "\"a\"", "\"b\""),
        new NoiseStats.Noise(Difference.Kind.HEADER, "date", 1, "\"1\"", "\"2\""));
    assertThat(noise.learned()).isEqualTo(new Ignores(Set.of("/id"), Set.of("date")));
  }

  @Test
  void placesAreBoundedAndForgottenWhenAccepted() {
    NoiseStats noise = new NoiseStats();
    for (int i = 0; i < NoiseStats.MAX_PLACES + 10; i++) {
      noise.sampled(List.of(body("/f" + i)));
    }
    assertThat(noise.places()).hasSize(NoiseStats.MAX_PLACES);
    assertThat(noise.overflow()).isEqualTo(10);
    noise.forget(new Ignores(Set.of("/f0", "/f1"), Set.of()));
    assertThat(noise.places()).hasSize(NoiseStats.MAX_PLACES - 2);
    assertThat(noise.learned().jsonPointers()).doesNotContain("/f0", "/f1").contains("/f2");
  }
}

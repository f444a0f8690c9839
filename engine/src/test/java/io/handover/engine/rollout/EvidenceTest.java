package io.handover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.handover.engine.rollout.Evidence.Verdict;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvidenceTest {

  @Test
  void theWilsonIntervalMatchesItsTextbookValues() {
    assertThat(Evidence.z(0.95)).isCloseTo(1.959964, within(1e-6));
    assertThat(Evidence.z(0.99)).isCloseTo(2.575829, within(1e-6));
    // 15 of 20 at 95 %: 0.531 to 0.889 (Wilson 1927; Newcombe 1998)
    Evidence e = Evidence.of(20, 15, 0.5, 0.95, 1);
    assertThat(e.rate()).isEqualTo(0.75);
    assertThat(e.lower()).isCloseTo(0.5313, within(1e-4));
    assertThat(e.upper()).isCloseTo(0.8882, within(1e-4));
    Evidence none = Evidence.of(0, 0, 0.5, 0.95, 0);
    assertThat(none.lower()).isZero();
    assertThat(none.upper()).isEqualTo(1);
  }

  /** At 95 % the lower bound passes 0.5 between these counts: one failure more or less decides. */
  @ParameterizedTest(name = "{1} of {0}: {2}")
  @CsvSource({
      "20, 15, ABOVE",
      "20, 14, UNDECIDED",
      "50, 32, ABOVE",
      "50, 31, UNDECIDED",
      "100, 60, ABOVE",
      "100, 59, UNDECIDED",
      "100, 37, BELOW",
  })
  void rollbackAtTheBoundaryOfTheLowerBound(long n, long failures, Verdict verdict) {
    Evidence e = Evidence.of(n, failures, 0.5, 0.95, 20);
    assertThat(e.verdict()).isEqualTo(verdict);
    assertThat(e.samplesNeeded() == 0).isEqualTo(verdict != Verdict.UNDECIDED);
    if (verdict == Verdict.ABOVE) {
      assertThat(e.lower()).isGreaterThan(0.5);
    } else {
      assertThat(e.lower()).isLessThanOrEqualTo(0.5);
    }
  }

  /** Promotion on a 10 % ceiling: the upper bound drops under it at 4 of 100 and 11 of 200. */
  @ParameterizedTest(name = "{1} of {0}: {2}")
  @CsvSource({
      "100, 4, BELOW",
      "100, 5, UNDECIDED",
      "200, 11, BELOW",
      "200, 12, UNDECIDED",
      "200, 40, ABOVE",
  })
  void promotionAtTheBoundaryOfTheUpperBound(long n, long failures, Verdict verdict) {
    Evidence e = Evidence.of(n, failures, 0.1, 0.95, 50);
    assertThat(e.verdict()).isEqualTo(verdict);
    if (verdict == Verdict.BELOW) {
      assertThat(e.upper()).isLessThan(0.1);
    } else {
      assertThat(e.upper()).isGreaterThanOrEqualTo(0.1);
    }
  }

  @Test
  void aHigherConfidenceNeedsMoreEvidence() {
    assertThat(Evidence.of(20, 15, 0.5, 0.95, 1).verdict()).isEqualTo(Verdict.ABOVE);
    assertThat(Evidence.of(20, 15, 0.5, 0.99, 1).verdict()).isEqualTo(Verdict.UNDECIDED);
    assertThat(Evidence.of(20, 15, 0.5, 0.8, 1).lower()).isGreaterThan(Evidence.of(20, 15, 0.5, 0.95, 1).lower());
  }

  @Test
  void lowTrafficReportsTheSamplesNeededAtTheCurrentRate() {
    // no failure in 5: the upper bound z²/(n+z²) falls under 0.1 from n = 35 on
    Evidence quiet = Evidence.of(5, 0, 0.1, 0.95, 5);
    assertThat(quiet.verdict()).isEqualTo(Verdict.UNDECIDED);
    assertThat(quiet.samplesNeeded()).isEqualTo(30);
    assertThat(Evidence.of(34, 0, 0.1, 0.95, 5).verdict()).isEqualTo(Verdict.UNDECIDED);
    assertThat(Evidence.of(35, 0, 0.1, 0.95, 5).verdict()).isEqualTo(Verdict.BELOW);

    // 3 of 4 failed: the bound would decide before 20, but the policy wants 20
    Evidence few = Evidence.of(4, 3, 0.5, 0.95, 20);
    assertThat(few.verdict()).isEqualTo(Verdict.TOO_FEW);
    assertThat(few.samplesNeeded()).isEqualTo(16);
    assertThat(Evidence.of(20, 15, 0.5, 0.95, 20).verdict()).isEqualTo(Verdict.ABOVE);

    // 14 of 20 (0.7): lower bound passes 0.5 at 0.7 from the number reported on, not before
    Evidence close = Evidence.of(20, 14, 0.5, 0.95, 20);
    long at = close.samplesNeeded() + 20;
    assertThat(Evidence.lower(0.7, at, Evidence.z(0.95))).isGreaterThan(0.5);
    assertThat(Evidence.lower(0.7, at - 1, Evidence.z(0.95))).isLessThanOrEqualTo(0.5);

    Evidence nothing = Evidence.of(0, 0, 0.1, 0.95, 20);
    assertThat(nothing.verdict()).isEqualTo(Verdict.TOO_FEW);
    assertThat(nothing.samplesNeeded()).isEqualTo(35);
  }

  @Test
  void aRateOnTheThresholdNeverDecides() {
    Evidence e = Evidence.of(1000, 500, 0.5, 0.95, 20);
    assertThat(e.verdict()).isEqualTo(Verdict.UNDECIDED);
    assertThat(e.samplesNeeded()).isEqualTo(-1);
  }

  @Test
  void aZeroThresholdIsJudgedExactly() {
    assertThat(Evidence.of(5, 0, 0, 0.95, 5).verdict()).isEqualTo(Verdict.BELOW);
    assertThat(Evidence.of(4, 0, 0, 0.95, 5).samplesNeeded()).isEqualTo(1);
    assertThat(Evidence.of(5, 1, 0, 0.95, 5).verdict()).isEqualTo(Verdict.ABOVE);
  }

  /** Seeded traffic: a broken version is rolled back, a healthy one promoted, each once enough came in. */
  @ParameterizedTest(name = "true rate {0}")
  @CsvSource({
      "0.8, ABOVE",
      "0.02, BELOW",
  })
  void seededTrafficReachesTheRightVerdictAndNeverTheWrongOne(double trueRate, Verdict expected) {
    Random random = new Random(20_240_601L);
    long failures = 0;
    Verdict reached = null;
    long at = 0;
    for (long n = 1; n <= 2000 && reached == null; n++) {
      if (random.nextDouble() < trueRate) {
        failures++;
      }
      Evidence e = Evidence.of(n, failures, expected == Verdict.ABOVE ? 0.5 : 0.1, 0.95, 20);
      if (e.verdict() == Verdict.ABOVE || e.verdict() == Verdict.BELOW) {
        reached = e.verdict();
        at = n;
      }
    }
    assertThat(reached).isEqualTo(expected);
    assertThat(at).isBetween(20L, 200L);
  }

  @Test
  void impossibleCountsAreRejected() {
    assertThatThrownBy(() -> Evidence.of(5, 6, 0.5, 0.95, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Evidence.of(5, 1, 0.5, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReasonCarriesTheBoundAndTheConfidence() {
    assertThat(Evidence.of(20, 15, 0.5, 0.95, 20).bounds()).isEqualTo("Wilson lower bound 0.5313 > 0.5 at 95% confidence");
    assertThat(Evidence.of(100, 4, 0.1, 0.99, 20).bounds()).isEqualTo("Wilson interval 0.0120 to 0.1253 holds 0.1 at 99% confidence");
    assertThat(Evidence.of(100, 4, 0.1, 0.95, 20).bounds()).isEqualTo("Wilson upper bound 0.0984 < 0.1 at 95% confidence");
  }
}

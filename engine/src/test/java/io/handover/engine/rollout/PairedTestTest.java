package io.handover.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sign test on paired latencies, on seeded fixtures at the boundaries of its verdicts. */
class PairedTestTest {

  private static final double X = 20;

  /** {@code slower} differences above X and {@code faster} below it, spread and shuffled by {@code seed}. */
  static double[] pairs(long seed, int slower, int faster, int ties) {
    Random random = new Random(seed);
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < slower; i++) {
      d.add(X + 0.5 + random.nextDouble() * 80);
    }
    for (int i = 0; i < faster; i++) {
      d.add(X - 0.5 - random.nextDouble() * 80);
    }
    for (int i = 0; i < ties; i++) {
      d.add(X);
    }
    Collections.shuffle(d, random);
    return d.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void fifteenOfTwentySlowerIsSlowerFourteenIsNotYet() {
    PairedTest slow = PairedTest.of(pairs(1, 15, 5, 0), X, 0.95, 20);
    assertThat(slow.verdict()).isEqualTo(PairedTest.Verdict.SLOWER);
    assertThat(slow.pSlower()).isBetween(0.0206, 0.0208); // P(X >= 15), X ~ Bin(20, 1/2) = 21700 / 2^20
    assertThat(slow.pairsNeeded()).isZero();
    assertThat(slow.numbers()).startsWith("15 of 20 paired requests slower by more than 20 ms (median +")
        .endsWith("sign test p = 0.0207 < 0.05");

    PairedTest undecided = PairedTest.of(pairs(2, 14, 6, 0), X, 0.95, 20);
    assertThat(undecided.verdict()).isEqualTo(PairedTest.Verdict.UNDECIDED);
    assertThat(undecided.pSlower()).isBetween(0.0576, 0.0578);
    assertThat(undecided.pairsNeeded()).isPositive();
    assertThat(undecided.numbers()).endsWith("sign test p = 0.0577 >= 0.05");
  }

  @Test
  void fifteenOfTwentyFasterIsNotSlower() {
    PairedTest fast = PairedTest.of(pairs(3, 5, 15, 0), X, 0.95, 20);
    assertThat(fast.verdict()).isEqualTo(PairedTest.Verdict.NOT_SLOWER);
    assertThat(fast.numbers()).startsWith("15 of 20 paired requests not slower by more than 20 ms (median -")
        .endsWith("p = 0.0207 < 0.05");
    assertThat(PairedTest.of(pairs(4, 6, 14, 0), X, 0.95, 20).verdict()).isEqualTo(PairedTest.Verdict.UNDECIDED);
  }

  @Test
  void tooFewPairsSayHowManyMoreAreNeeded() {
    PairedTest few = PairedTest.of(pairs(5, 19, 0, 0), X, 0.95, 20);
    assertThat(few.verdict()).isEqualTo(PairedTest.Verdict.TOO_FEW);
    assertThat(few.pairsNeeded()).isEqualTo(1);
    PairedTest none = PairedTest.of(new double[0], X, 0.95, 20);
    assertThat(none.verdict()).isEqualTo(PairedTest.Verdict.TOO_FEW);
    assertThat(none.pairsNeeded()).isEqualTo(20);
    assertThat(PairedTest.of(pairs(6, 10, 10, 0), X, 0.95, 20).pairsNeeded()).as("an even split never decides").isEqualTo(-1);
  }

  @Test
  void theEstimateOfPairsNeededIsEnough() {
    PairedTest undecided = PairedTest.of(pairs(7, 14, 6, 0), X, 0.95, 20);
    int more = (int) undecided.pairsNeeded();
    // the same split, 70 % slower, over that many more pairs decides; one fewer pair of each kind does not
    int total = 20 + more;
    int slower = (int) Math.ceil(total * 0.7);
    assertThat(PairedTest.of(pairs(8, slower, total - slower, 0), X, 0.95, 20).verdict()).isEqualTo(PairedTest.Verdict.SLOWER);
  }

  @Test
  void tiesCountAsPairsButNotForEitherSide() {
    PairedTest t = PairedTest.of(pairs(9, 15, 5, 10), X, 0.95, 20);
    assertThat(t.pairs()).isEqualTo(30);
    assertThat(t.slower()).isEqualTo(15);
    assertThat(t.faster()).isEqualTo(5);
    assertThat(t.verdict()).isEqualTo(PairedTest.Verdict.SLOWER);
  }

  @Test
  void aHigherConfidenceNeedsMore() {
    assertThat(PairedTest.of(pairs(10, 15, 5, 0), X, 0.99, 20).verdict()).isEqualTo(PairedTest.Verdict.UNDECIDED);
    assertThat(PairedTest.of(pairs(11, 17, 3, 0), X, 0.99, 20).verdict()).isEqualTo(PairedTest.Verdict.SLOWER);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> PairedTest.of(new double[0], -1, 0.95, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PairedTest.of(new double[0], 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}

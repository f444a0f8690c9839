package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionNumberTest {

  private static VersionNumber v(String s) {
    return VersionNumber.parse(s);
  }

  @Test
  void ordersNumericSegmentsAsNumbers() {
    assertThat(v("1.9")).isLessThan(v("1.10"));
    assertThat(v("1.10")).isLessThan(v("2.0"));
    assertThat(v("3")).isGreaterThan(v("13").compareTo(v("3")) > 0 ? v("2") : v("4"));
    assertThat(v("13")).isGreaterThan(v("3"));
  }

  @Test
  void leadingAndTrailingZerosDoNotMatter() {
    assertThat(v("03")).isEqualTo(v("3")).hasSameHashCodeAs(v("3"));
    assertThat(v("1.0")).isEqualTo(v("1"));
    assertThat(v("2.0.0").compareTo(v("2"))).isZero();
    assertThat(v("03").label()).isEqualTo("03");
  }

  @Test
  void preReleasesSortBeforeTheRelease() {
    assertThat(v("2.0-rc1")).isLessThan(v("2.0"));
    assertThat(v("2.0-rc1")).isLessThan(v("2.0-rc2"));
    assertThat(v("2.0-alpha")).isLessThan(v("2.0-beta"));
    assertThat(v("2.0")).isLessThan(v("2.0.1"));
    assertThat(v("1.0rc1")).isEqualTo(v("1.0-rc1"));
  }

  @Test
  void sortsAListNaturally() {
    List<VersionNumber> list = new ArrayList<>(List.of(v("1.10"), v("0.0"), v("2.0"), v("1.9"), v("1.2.3")));
    Collections.sort(list);
    assertThat(list).extracting(VersionNumber::label).containsExactly("0.0", "1.2.3", "1.9", "1.10", "2.0");
  }

  @Test
  void rejectsBlank() {
    assertThatThrownBy(() -> v(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v(null)).isInstanceOf(IllegalArgumentException.class);
  }
}

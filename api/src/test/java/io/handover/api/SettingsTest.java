package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void readsTypedValues() {
    Settings s = Settings.of(Map.of("n", new BigDecimal("60"), "t", "60", "b", true, "l", List.of("a", "b")));
    assertThat(s.requireNumber("n", 0, true, 100)).isEqualTo(60);
    assertThat(s.requireNumber("t", 0, true, 100)).isEqualTo(60);
    assertThat(s.bool("b", false)).isTrue();
    assertThat(s.strings("l")).hasValue(List.of("a", "b"));
    assertThat(s.whole("missing", 7, 0, 10)).isEqualTo(7);
  }

  @Test
  void errorsNameTheFieldWithItsPath() {
    Settings s = Settings.of(Map.of("steps", List.of(Map.of("seconds", 5), Map.of("seconds", "x"))));
    List<Settings> steps = s.objects("steps").orElseThrow();
    assertThatThrownBy(() -> steps.get(1).number("seconds"))
        .isInstanceOf(InvalidSettingException.class)
        .satisfies(e -> assertThat(((InvalidSettingException) e).field()).isEqualTo("steps[1].seconds"))
        .hasMessage("steps[1].seconds must be a number");
  }

  @Test
  void rangeChecksSayTheRange() {
    Settings s = Settings.of(Map.of("p", 0, "w", 1.5));
    assertThatThrownBy(() -> s.requireNumber("p", 0, true, 100))
        .hasMessage("p must be greater than 0 and at most 100");
    assertThatThrownBy(() -> s.requireNumber("missing", 0, true, 100))
        .hasMessage("missing is required");
    assertThatThrownBy(() -> s.whole("w", 0, 0, 10)).hasMessage("w must be a whole number");
  }

  @Test
  void dropsNullsAndIsUnmodifiable() {
    java.util.HashMap<String, Object> m = new java.util.HashMap<>();
    m.put("a", null);
    m.put("b", 1);
    Settings s = Settings.of(m);
    assertThat(s.keys()).containsExactly("b");
    assertThatThrownBy(() -> s.asMap().put("c", 2)).isInstanceOf(UnsupportedOperationException.class);
  }
}

package io.handover.comparators;

import static io.handover.comparators.Summaries.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.ComparisonResult;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusComparatorFactoryTest {

  private final StatusComparatorFactory factory = new StatusComparatorFactory();
  private final ResponseComparator comparator = factory.create(Settings.empty());

  @Test
  void nameIsStatus() {
    assertThat(factory.name()).isEqualTo("status");
  }

  @Test
  void equalStatusesMatch() {
    assertThat(comparator.compare(status(200), status(200))).isEqualTo(ComparisonResult.match());
    assertThat(comparator.compare(status(404), status(404)).matches()).isTrue();
  }

  @Test
  void differentStatusesDifferWithBothCodes() {
    ComparisonResult result = comparator.compare(status(200), status(500));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("status 200 vs 500");
  }

  @Test
  void unknownSettingIsRejectedByName() {
    assertThatThrownBy(() -> factory.create(Settings.of(Map.of("codes", "200"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("codes is not a setting of status; known: none")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("codes");
  }
}

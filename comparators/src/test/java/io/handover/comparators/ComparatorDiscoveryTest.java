package io.handover.comparators;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.ResponseComparatorFactory;
import io.handover.api.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ComparatorDiscoveryTest {

  private static List<ResponseComparatorFactory> factories() {
    List<ResponseComparatorFactory> factories = new ArrayList<>();
    ServiceLoader.load(ResponseComparatorFactory.class).forEach(factories::add);
    return factories;
  }

  @Test
  void serviceLoaderFindsExactlyTheFourComparators() {
    assertThat(factories()).extracting(ResponseComparatorFactory::name)
        .containsExactlyInAnyOrder("status", "headers", "body", "latency");
  }

  @Test
  void everyFactoryDescribesItselfAndCreatesWithDefaults() {
    for (ResponseComparatorFactory factory : factories()) {
      assertThat(factory.description()).as(factory.name()).isNotBlank();
      assertThat(factory.create(Settings.empty())).as(factory.name()).isNotNull();
    }
  }

  @Test
  void everyComparatorAnswersForFailedResponsesWithoutThrowing() {
    for (ResponseComparatorFactory factory : factories()) {
      var comparator = factory.create(Settings.empty());
      var failed = io.handover.api.ResponseSummary.failed("connection refused", 5);
      assertThat(comparator.compare(Summaries.status(200), failed).reason())
          .as(factory.name()).isEqualTo("candidate failed: connection refused");
      assertThat(comparator.compare(failed, Summaries.status(200)).reason())
          .as(factory.name()).isEqualTo("target failed: connection refused");
      assertThat(comparator.compare(null, Summaries.status(200)).matches()).as(factory.name()).isFalse();
    }
  }
}

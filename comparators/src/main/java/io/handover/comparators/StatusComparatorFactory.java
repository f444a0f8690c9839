package io.handover.comparators;

import io.handover.api.ComparisonResult;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.util.List;

/**
 * {@code status}: the responses match when their status codes are equal. Takes no settings.
 *
 * <p>The comparator is stateless and thread-safe; it is called concurrently on worker threads and
 * does no blocking work.
 */
public final class StatusComparatorFactory implements ResponseComparatorFactory {

  private static final ResponseComparator STATUS = StatusComparatorFactory::compare;

  @Override
  public String name() {
    return "status";
  }

  @Override
  public String description() {
    return "Equal HTTP status codes.";
  }

  @Override
  public ResponseComparator create(Settings settings) {
    Checks.rejectUnknownSettings(settings, name(), List.of());
    return STATUS;
  }

  private static ComparisonResult compare(ResponseSummary target, ResponseSummary candidate) {
    String unusable = Checks.unusable(target, candidate);
    if (unusable != null) {
      return ComparisonResult.differs(unusable);
    }
    if (target.status() == candidate.status()) {
      return ComparisonResult.match();
    }
    return ComparisonResult.differs("status " + target.status() + " vs " + candidate.status());
  }
}

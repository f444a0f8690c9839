package io.handover.strategies;

import static java.util.Objects.requireNonNull;

import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.LongAdder;

/**
 * A mode's strategy behind its {@code match} rules: a request that satisfies a rule goes straight
 * to this version (the newest active one, since only its strategy is asked), neither mirrored nor
 * counted by the mode's ramp and with no cookie set; every other request is the mode's to decide.
 */
final class MatchingStrategy implements UpgradeStrategy {

  private final MatchRules rules;
  private final UpgradeStrategy mode;
  private final PlainDecisions plain = new PlainDecisions();
  private final LongAdder matched = new LongAdder();

  private MatchingStrategy(MatchRules rules, UpgradeStrategy mode) {
    this.rules = requireNonNull(rules, "rules is null");
    this.mode = requireNonNull(mode, "mode is null");
  }

  /**
   * The mode's strategy behind the {@code match} rules of {@code settings}, or the mode's strategy
   * itself when there are none.
   *
   * @throws io.handover.api.InvalidSettingException naming the rule's field
   */
  static UpgradeStrategy wrap(Settings settings, UpgradeStrategy mode) {
    MatchRules rules = MatchRules.parse(settings);
    return rules == null ? mode : new MatchingStrategy(rules, mode);
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    if (rules.matches(request)) {
      matched.increment();
      return plain.to(versions.active().get(0));
    }
    return mode.decide(request, versions);
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>(mode.status());
    status.put("matchRules", rules.size());
    status.put("matchedRequests", matched.sum());
    return status;
  }

  @Override
  public OptionalDouble trafficShare() {
    return mode.trafficShare();
  }
}

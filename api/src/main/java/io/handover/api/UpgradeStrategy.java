package io.handover.api;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * Decides, request by request, which version serves a client while traffic moves to a new version.
 *
 * <p>The engine creates one strategy per version, from that version's {@code upgradeTransition}, and
 * asks the strategy of the newest active version for every request, including each request on a
 * kept-alive connection.
 *
 * <p><b>Threads:</b> {@link #decide} is called on IO threads, concurrently, for many requests at once;
 * implementations must be thread-safe. <b>Blocking:</b> never; no I/O, no locks held for long. A
 * decision should take microseconds. An exception thrown by {@code decide} is contained by the engine:
 * the request goes to the newest active version and the failure is counted and logged.
 */
public interface UpgradeStrategy {

  /**
   * Picks the version for one request.
   *
   * @param request the request head; valid only during this call; not null
   * @param versions the registered versions, newest first; not null and never without an active
   *     version (the engine answers by itself when there is none). Contains this strategy's own
   *     version unless it was rolled back, in which case the strategy is not asked.
   * @return the decision; not null. Its target must be an active version of {@code versions}.
   */
  RoutingDecision decide(RequestView request, VersionSet versions);

  /**
   * What this strategy wants an operator to see, e.g. a rollout's current share, shown by the admin
   * API. Called on a worker thread; may take a moment but must not block on I/O.
   *
   * @return JSON-friendly values (strings, numbers, booleans, lists and maps of them); never null
   */
  default Map<String, Object> status() {
    return Map.of();
  }

  /**
   * The fraction of clients this strategy currently sends to its own version, from 0 to 1, for a
   * strategy that moves traffic over by a share (such as GRADUAL); empty for one that does not.
   * The engine reads it for a promotion stage's {@code rampComplete}, which holds once the share is
   * 1. It is not shown to operators by itself: report it in {@link #status()} too if they should
   * see it.
   *
   * <p><b>Threads:</b> called on an engine worker thread, several times a second, concurrently with
   * {@link #decide}; implementations must be thread-safe. <b>Blocking:</b> never; it should only
   * read state the strategy already keeps.
   *
   * @return the share in [0, 1], or empty (the default) when the strategy has no share; never null
   */
  default OptionalDouble trafficShare() {
    return OptionalDouble.empty();
  }
}

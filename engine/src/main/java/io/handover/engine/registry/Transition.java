package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

/**
 * One change of a version's state or stage, as its history shows it.
 *
 * @param atMillis when, epoch milliseconds
 * @param kind whether the rollout guard or an operator made it
 * @param from the state or mode before, e.g. {@code ACTIVE} or {@code CONCURRENT}
 * @param to the state or mode after, e.g. {@code ROLLED_BACK} or {@code GRADUAL}
 * @param reason why, with the numbers that decided it
 */
public record Transition(long atMillis, Kind kind, String from, String to, String reason) {

  /** Who made a transition. */
  public enum Kind { AUTOMATIC, MANUAL }

  public Transition {
    requireNonNull(kind, "kind is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(reason, "reason is null");
  }
}

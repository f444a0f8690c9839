package io.handover.engine.registry;

import java.util.ArrayDeque;
import java.util.List;

/** The last transitions of one version, oldest first. Thread-safe; never touched by the request path. */
public final class TransitionHistory {

  static final int KEEP = 50;

  private final ArrayDeque<Transition> last = new ArrayDeque<>();
  private long rollbacks;
  private long promotions;

  synchronized void add(Transition t) {
    if (last.size() == KEEP) {
      last.removeFirst();
    }
    last.addLast(t);
  }

  /** Takes back a transition whose change was not made after all. */
  synchronized void remove(Transition t) {
    last.removeLastOccurrence(t);
  }

  /** Counts a rollback or a promotion this instance decided (automatically or for an operator). */
  synchronized void counted(boolean rollback) {
    if (rollback) {
      rollbacks++;
    } else {
      promotions++;
    }
  }

  /** Rollbacks decided here since the version was made. */
  public synchronized long rollbacks() {
    return rollbacks;
  }

  /** Promotions decided here since the version was made. */
  public synchronized long promotions() {
    return promotions;
  }

  /** The kept transitions, oldest first. */
  public synchronized List<Transition> list() {
    return List.copyOf(last);
  }
}

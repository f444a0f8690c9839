package io.handover.engine.registry;

import java.util.ArrayDeque;
import java.util.List;

/** The last transitions of one version, oldest first. Thread-safe; never touched by the request path. */
public final class TransitionHistory {

  static final int KEEP = 50;

  private final ArrayDeque<Transition> last = new ArrayDeque<>();

  synchronized void add(Transition t) {
    if (last.size() == KEEP) {
      last.removeFirst();
    }
    last.addLast(t);
  }

  /** The kept transitions, oldest first. */
  public synchronized List<Transition> list() {
    return List.copyOf(last);
  }
}

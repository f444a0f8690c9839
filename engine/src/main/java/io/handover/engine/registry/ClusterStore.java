package io.handover.engine.registry;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where the registered versions are kept so that a restart loses nothing. The registry is the only
 * caller, from worker threads, one call at a time. The request path never touches the store.
 *
 * <p>A store that several instances share (etcd) also numbers what it holds with a revision:
 * {@link #read} says which revision it read, {@link #save(List, long)} saves only over that
 * revision and {@link #follow} tells the registry what other instances saved. A store of one
 * instance (the state file) keeps the defaults, where the revision is always 0.
 */
public interface ClusterStore {

  /** The versions saved last, in any order; empty when nothing was saved yet. */
  List<ClusterConfig> load() throws IOException;

  /** Replaces what is saved with these versions, atomically. */
  void save(List<ClusterConfig> clusters) throws IOException;

  /** The saved versions in their saved order, with the revision they are at. */
  default Stored read() throws IOException {
    return new Stored(load(), 0, false);
  }

  /**
   * Replaces what is saved with these versions if the store is still at revision {@code basedOn}.
   *
   * @return the revision the store is at now
   * @throws Conflict when another instance saved since {@code basedOn}; it carries what is saved now
   * @throws Unreachable when the store cannot be reached; the change may or may not have been saved
   */
  default long save(List<ClusterConfig> clusters, long basedOn) throws IOException {
    save(clusters);
    return basedOn;
  }

  /**
   * From now on, tells {@code listener} what other instances save, on one thread of the store's, in
   * order. Stores of one instance never call it.
   */
  default void follow(Listener listener) {}

  /** The name of this instance among those sharing the store, or null when it shares nothing. */
  default String instanceName() {
    return null;
  }

  /** How the store is doing, for the status report: a JSON-ready map. */
  default Map<String, Object> status() {
    return Map.of();
  }

  /**
   * What a store holds.
   *
   * @param clusters the versions in their saved order
   * @param revision the store's revision of them; 0 when nothing was saved or the store has none
   * @param exists whether anything was ever saved (then these versions, even none, are the ones to run)
   */
  record Stored(List<ClusterConfig> clusters, long revision, boolean exists) {
    public Stored {
      clusters = List.copyOf(clusters);
    }
  }

  /** Called by a shared store, on its own thread, one call at a time. */
  interface Listener {

    /** Another instance saved {@code stored}; or the store was reached again and read whole. */
    void changed(Stored stored);

    /** The store was reached again after it was not: what it holds now, read whole. */
    void reconnected(Stored stored);
  }

  /** Another instance saved first; {@link #current} is what the store holds now. */
  final class Conflict extends IOException {
    private final transient Stored current;

    public Conflict(Stored current) {
      super("the store changed since the revision the change was based on", null);
      this.current = current;
    }

    public Stored current() {
      return current;
    }
  }

  /** The store cannot be reached; the message names it. */
  final class Unreachable extends IOException {
    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A store that keeps nothing. */
  static ClusterStore none() {
    return new ClusterStore() {
      @Override
      public List<ClusterConfig> load() {
        return List.of();
      }

      @Override
      public void save(List<ClusterConfig> clusters) {}
    };
  }
}

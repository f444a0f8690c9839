package io.handover.engine.registry;

import java.io.IOException;
import java.util.List;

/**
 * Where the registered versions are kept so that a restart loses nothing. The registry is the only
 * caller, from worker threads, one call at a time. The request path never touches the store.
 */
public interface ClusterStore {

  /** The versions saved last, in any order; empty when nothing was saved yet. */
  List<ClusterConfig> load() throws IOException;

  /** Replaces what is saved with these versions, atomically. */
  void save(List<ClusterConfig> clusters) throws IOException;

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

package io.handover.engine.registry;

import java.util.List;

/**
 * The servers of one version and whatever the request path keeps for them (connection pools),
 * made by the request path for each version the registry creates, and closed when the version
 * goes. The registry knows no more of them than this.
 */
public interface Servers extends AutoCloseable {

  /** The servers, in configured order. */
  List<? extends Server> servers();

  /** Whether any server may take requests now. */
  default boolean anyAvailable() {
    for (Server s : servers()) {
      if (s.health().available()) {
        return true;
      }
    }
    return false;
  }

  /** Frees what is kept for the servers; no exception. */
  @Override
  void close();

  /** Makes the servers of a version from its configuration. */
  @FunctionalInterface
  interface Factory {
    Servers create(ClusterConfig config);
  }
}

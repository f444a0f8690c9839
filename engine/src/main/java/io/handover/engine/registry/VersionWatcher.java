package io.handover.engine.registry;

import io.handover.api.InvalidSettingException;

/**
 * Told of the registry's changes, e.g. to start and stop the containers of versions. Both methods
 * are called on the thread that changes the registry, under its lock: they must return quickly and
 * hand longer work to threads of their own.
 */
public interface VersionWatcher {

  VersionWatcher NONE = snapshot -> {};

  /**
   * Called before {@code proposed} is added; may reject it.
   *
   * @throws InvalidSettingException naming the field that cannot be honoured
   */
  default void check(ClusterConfig proposed) {}

  /** Called after each change with the snapshot just published. */
  void published(Snapshot snapshot);
}

package io.handover.engine.registry;

import java.io.UncheckedIOException;

/**
 * A change could not be saved because the cluster store cannot be reached; nothing changed on this
 * instance. The message names the store.
 */
public final class StoreUnreachableException extends UncheckedIOException {

  public StoreUnreachableException(ClusterStore.Unreachable cause) {
    super(cause.getMessage(), cause);
  }
}

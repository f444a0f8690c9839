package io.handover.engine.store;

import java.io.IOException;

/** This instance cannot join the shared store: etcd cannot be reached, or its cookie secret differs. One line. */
public final class StoreRefusedException extends IOException {

  public StoreRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.handover.engine.proxy;

import java.io.IOException;

/** The client's body broke a limit: it is answered with {@link #status()} when no answer started yet. */
final class ClientBodyException extends IOException {

  private final int status;

  private ClientBodyException(int status, String message) {
    super(message);
    this.status = status;
  }

  static ClientBodyException tooLarge(long max) {
    return new ClientBodyException(413, "the request body is larger than " + max + " bytes");
  }

  static ClientBodyException stalled(long millis) {
    return new ClientBodyException(408, "the request body stopped arriving for " + millis + " ms");
  }

  int status() {
    return status;
  }
}

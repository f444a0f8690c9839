package io.handover.engine.container;

/** The container engine could not be reached, or refused a request; the message says which and why. */
public final class EngineException extends Exception {

  private final int status;

  EngineException(String message, int status) {
    super(message);
    this.status = status;
  }

  EngineException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The engine's HTTP status, or 0 when it could not be reached. */
  public int status() {
    return status;
  }
}

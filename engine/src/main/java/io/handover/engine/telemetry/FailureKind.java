package io.handover.engine.telemetry;

/**
 * Why one attempt to have a request answered by one server did not give an answer the client can
 * have. Each kind says whether it is the server's fault (and so counts towards its ejection and
 * its version's rollback) and which status the client gets when it was the last attempt.
 */
public enum FailureKind {
  /** No connection could be opened (refused, unreachable, the pool's queue failed). */
  REFUSED(true, 503, "connection refused"),
  /** The connection broke before or while the response head arrived. */
  RESET(true, 502, "connection reset"),
  /** No response head within the first-byte timeout. */
  FIRST_BYTE_TIMEOUT(true, 504, "no response head in time"),
  /** The response body stopped arriving for a first-byte timeout after its head was relayed. */
  STALLED_BODY(true, 502, "response body stalled"),
  /** A 5xx answer that the request moved on from, or that was served for want of another. */
  SERVER_ERROR(true, 502, "5xx answer"),
  /** The request's own time limit passed while this attempt was pending. */
  REQUEST_TIME_LIMIT(true, 504, "request time limit"),
  /** Every server of the version was ejected or failing its health check. */
  NO_SERVER(true, 503, "no server available"),
  /**
   * The client stopped sending its body for the body read timeout, or stopped reading the
   * response (the connection to it stayed full) for the send timeout: never the server's fault.
   */
  SLOW_CLIENT(false, 408, "client too slow"),
  /** The client went away or sent a broken body: never the server's fault. */
  CLIENT_ABORTED(false, 400, "client aborted"),
  /** The proxy gave the attempt up because it no longer needed the answer. */
  CANCELLED(false, 502, "cancelled");

  private final boolean blamesServer;
  private final int clientStatus;
  private final String label;

  FailureKind(boolean blamesServer, int clientStatus, String label) {
    this.blamesServer = blamesServer;
    this.clientStatus = clientStatus;
    this.label = label;
  }

  /** Whether this counts against the server and its version. */
  public boolean blamesServer() {
    return blamesServer;
  }

  /** The status a client gets when this was the last attempt. */
  public int clientStatus() {
    return clientStatus;
  }

  /** A few words for logs and status, e.g. {@code connection refused}. */
  public String label() {
    return label;
  }
}

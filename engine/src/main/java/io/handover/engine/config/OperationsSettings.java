package io.handover.engine.config;

/**
 * How the proxy is watched and stopped.
 *
 * @param metrics whether the request path feeds {@code /metrics}; off, its series stay at zero
 * @param accessLog whether every request is written to the {@code io.handover.access} logger
 * @param accessLogJson whether the access log's lines are JSON objects rather than text
 * @param shutdownGraceMillis how long a stop waits for requests in flight before it closes them
 */
public record OperationsSettings(boolean metrics, boolean accessLog, boolean accessLogJson, long shutdownGraceMillis) {

  public static final OperationsSettings DEFAULT = new OperationsSettings(true, false, false, 30_000);

  public OperationsSettings withAccessLog(boolean on, boolean json) {
    return new OperationsSettings(metrics, on, json, shutdownGraceMillis);
  }

  public OperationsSettings withMetrics(boolean on) {
    return new OperationsSettings(on, accessLog, accessLogJson, shutdownGraceMillis);
  }

  public OperationsSettings withShutdownGraceMillis(long millis) {
    return new OperationsSettings(metrics, accessLog, accessLogJson, millis);
  }
}

package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

/**
 * A version's active health check: every {@code intervalMillis} each of its servers gets
 * {@code GET path}; a 2xx or 3xx answer within {@code timeoutMillis} passes. A server is taken out
 * after {@code unhealthyThreshold} failures in a row and put back after {@code healthyThreshold}
 * passes in a row.
 */
public record HealthCheck(String path, long intervalMillis, long timeoutMillis, int healthyThreshold, int unhealthyThreshold) {

  public static final long DEFAULT_INTERVAL_MILLIS = 5_000;
  public static final long DEFAULT_TIMEOUT_MILLIS = 1_000;
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

  public HealthCheck {
    requireNonNull(path, "path is null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /");
    }
    if (intervalMillis < 1 || timeoutMillis < 1 || healthyThreshold < 1 || unhealthyThreshold < 1) {
      throw new IllegalArgumentException("interval, timeout and thresholds must be positive");
    }
  }
}

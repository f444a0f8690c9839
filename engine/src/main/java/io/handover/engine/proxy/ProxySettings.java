package io.handover.engine.proxy;

import java.util.Set;

/**
 * How the proxy treats requests.
 *
 * @param maxRequestTimeMillis the longest a request may take end to end before the client gets
 *     {@code 504}; 0 or less for no limit
 * @param maxRequestBodyBytes the largest request body accepted (larger ones are cut off with
 *     {@code 413}), or -1 for no limit; bodies are streamed either way
 * @param trustForwardedHeaders whether to keep and extend {@code X-Forwarded-*} headers sent by the
 *     client (only behind a trusted load balancer) instead of replacing them
 * @param firstByteTimeoutMillis how long one attempt may take until the response head arrives
 *     (connecting included) before the request moves to an older version
 * @param maxBufferedBodyBytes request bodies up to this size are held so that the request can be
 *     sent again to another version; larger or chunked ones are streamed and retried only when
 *     nothing was sent yet
 * @param failoverStatuses response statuses that send the request on to the next older version
 *     (when it is retry-safe), e.g. 502, 503, 504
 * @param limits what one client may send and hold on to
 */
public record ProxySettings(
    int maxRequestTimeMillis,
    long maxRequestBodyBytes,
    boolean trustForwardedHeaders,
    int firstByteTimeoutMillis,
    int maxBufferedBodyBytes,
    Set<Integer> failoverStatuses,
    ClientLimits limits) {

  public ProxySettings {
    failoverStatuses = Set.copyOf(failoverStatuses);
    limits = limits == null ? ClientLimits.DEFAULT : limits;
  }

  /** Settings with the default client limits. */
  public ProxySettings(int maxRequestTimeMillis, long maxRequestBodyBytes, boolean trustForwardedHeaders,
      int firstByteTimeoutMillis, int maxBufferedBodyBytes, Set<Integer> failoverStatuses) {
    this(maxRequestTimeMillis, maxRequestBodyBytes, trustForwardedHeaders, firstByteTimeoutMillis, maxBufferedBodyBytes,
        failoverStatuses, ClientLimits.DEFAULT);
  }

  public static final ProxySettings DEFAULT = new ProxySettings(60_000, -1, false, 10_000, 1024 * 1024, Set.of(502, 503, 504));

  public ProxySettings withFirstByteTimeoutMillis(int millis) {
    return new ProxySettings(maxRequestTimeMillis, maxRequestBodyBytes, trustForwardedHeaders, millis, maxBufferedBodyBytes, failoverStatuses, limits);
  }

  public ProxySettings withFailoverStatuses(Set<Integer> statuses) {
    return new ProxySettings(maxRequestTimeMillis, maxRequestBodyBytes, trustForwardedHeaders, firstByteTimeoutMillis, maxBufferedBodyBytes, statuses, limits);
  }

  public ProxySettings withLimits(ClientLimits limits) {
    return new ProxySettings(maxRequestTimeMillis, maxRequestBodyBytes, trustForwardedHeaders, firstByteTimeoutMillis, maxBufferedBodyBytes, failoverStatuses, limits);
  }

  public ProxySettings withMaxRequestBodyBytes(long bytes) {
    return new ProxySettings(maxRequestTimeMillis, bytes, trustForwardedHeaders, firstByteTimeoutMillis, maxBufferedBodyBytes, failoverStatuses, limits);
  }
}

package io.handover.engine.proxy;

/**
 * How the proxy treats requests.
 *
 * @param maxRequestTimeMillis the longest a request may take end to end before the client gets
 *     {@code 504}; 0 or less for no limit
 * @param trustForwardedHeaders whether to keep and extend {@code X-Forwarded-*} headers sent by the
 *     client (only behind a trusted load balancer) instead of replacing them
 */
public record ProxySettings(int maxRequestTimeMillis, boolean trustForwardedHeaders) {

  public static final ProxySettings DEFAULT = new ProxySettings(60_000, false);
}

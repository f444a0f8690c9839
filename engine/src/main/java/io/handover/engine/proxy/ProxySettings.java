package io.handover.engine.proxy;

/**
 * How the proxy treats requests.
 *
 * @param maxRequestTimeMillis the longest a request may take end to end before the client gets
 *     {@code 504}; 0 or less for no limit
 * @param maxRequestBodyBytes the largest request body accepted (larger ones are cut off with
 *     {@code 413}), or -1 for no limit; bodies are streamed either way
 * @param trustForwardedHeaders whether to keep and extend {@code X-Forwarded-*} headers sent by the
 *     client (only behind a trusted load balancer) instead of replacing them
 */
public record ProxySettings(int maxRequestTimeMillis, long maxRequestBodyBytes, boolean trustForwardedHeaders) {

  public static final ProxySettings DEFAULT = new ProxySettings(60_000, -1, false);
}

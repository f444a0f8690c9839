package io.handover.engine.config;

/**
 * How the admin API behaves.
 *
 * @param maxBodyBytes the largest request body accepted; larger ones get {@code 413}
 * @param token a bearer token every request must carry, or null for none
 */
public record AdminSettings(long maxBodyBytes, String token) {

  public static final AdminSettings DEFAULT = new AdminSettings(1024 * 1024, null);
}

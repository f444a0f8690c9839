package io.handover.engine.config;

import java.util.List;

/**
 * How the admin API behaves.
 *
 * @param maxBodyBytes the largest request body accepted; larger ones get {@code 413}
 * @param token a bearer token every request must carry, or null for none; never printed
 * @param allowedHosts host names (with or without {@code :port}) that a request's {@code Host} may
 *     name besides the admin's own address, {@code localhost}, {@code 127.0.0.1} and {@code [::1]}
 */
public record AdminSettings(long maxBodyBytes, String token, List<String> allowedHosts) {

  public static final AdminSettings DEFAULT = new AdminSettings(1024 * 1024, null, List.of());

  public AdminSettings {
    allowedHosts = List.copyOf(allowedHosts);
  }

  public AdminSettings(long maxBodyBytes, String token) {
    this(maxBodyBytes, token, List.of());
  }

  @Override
  public String toString() {
    return "AdminSettings[maxBodyBytes=" + maxBodyBytes + ", token=" + (token == null ? "none" : "***") + ", allowedHosts=" + allowedHosts + "]";
  }
}

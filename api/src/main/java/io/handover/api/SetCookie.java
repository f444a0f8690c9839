package io.handover.api;

import static java.util.Objects.requireNonNull;

/**
 * A cookie a strategy asks the engine to set on the response, to keep a client on a version.
 *
 * <p>Immutable. The engine writes it as {@code Set-Cookie} whatever the backend answered.
 *
 * @param name the cookie name; not null
 * @param value the cookie value, already safe for a cookie (no spaces, commas, semicolons); not null
 * @param maxAgeSeconds {@code Max-Age}; a negative value makes a browser-session cookie
 * @param path the {@code Path} attribute; not null
 * @param httpOnly whether to add {@code HttpOnly}
 * @param secure whether to add {@code Secure}
 * @param sameSite the {@code SameSite} value ({@code "Lax"}, {@code "Strict"}, {@code "None"}), or
 *     null to leave it out
 */
public record SetCookie(
    String name, String value, long maxAgeSeconds, String path, boolean httpOnly, boolean secure, String sameSite) {

  public SetCookie {
    requireNonNull(name, "name is null");
    requireNonNull(value, "value is null");
    requireNonNull(path, "path is null");
  }

  /** A {@code Path=/; HttpOnly; SameSite=Lax} cookie, the kind stickiness uses. */
  public static SetCookie sticky(String name, String value, long maxAgeSeconds) {
    return new SetCookie(name, value, maxAgeSeconds, "/", true, false, "Lax");
  }

  /** The {@code Set-Cookie} header value. */
  public String headerValue() {
    StringBuilder sb = new StringBuilder(name).append('=').append(value);
    if (maxAgeSeconds >= 0) {
      sb.append("; Max-Age=").append(maxAgeSeconds);
    }
    sb.append("; Path=").append(path);
    if (httpOnly) {
      sb.append("; HttpOnly");
    }
    if (secure) {
      sb.append("; Secure");
    }
    if (sameSite != null) {
      sb.append("; SameSite=").append(sameSite);
    }
    return sb.toString();
  }
}

package io.handover.engine.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.Collection;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110, section
 * 7.6.1): {@code Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code TE}, {@code Trailer} and {@code Upgrade}. {@code Transfer-Encoding} is left to Undertow,
 * which re-frames bodies on each side.
 */
final class HopByHopHeaders {

  private static final HttpString PROXY_CONNECTION = new HttpString("Proxy-Connection");
  private static final HttpString[] FIXED = {
    Headers.KEEP_ALIVE, PROXY_CONNECTION, Headers.TE, Headers.TRAILER, Headers.UPGRADE
  };

  private HopByHopHeaders() {}

  /** Whether a {@code Connection} header carries the token (case-insensitive), e.g. {@code close}. */
  static boolean connectionHas(HeaderMap headers, String token) {
    HeaderValues connection = headers.get(Headers.CONNECTION);
    if (connection == null) {
      return false;
    }
    for (int v = 0; v < connection.size(); v++) {
      String value = connection.get(v);
      // scanned in place: this runs for most requests, and splitting would allocate
      int start = 0;
      while (start <= value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        int from = start;
        int to = end;
        while (from < to && value.charAt(from) <= ' ') {
          from++;
        }
        while (to > from && value.charAt(to - 1) <= ' ') {
          to--;
        }
        if (to - from == token.length() && value.regionMatches(true, from, token, 0, token.length())) {
          return true;
        }
        start = end + 1;
      }
    }
    return false;
  }

  /**
   * The protocol a request asks to switch to ({@code Upgrade} named in {@code Connection}), or
   * null. {@code h2c} is never passed on: the request is then served as plain HTTP/1.1.
   */
  static String upgradeRequested(HeaderMap headers) {
    String upgrade = headers.getFirst(Headers.UPGRADE);
    if (upgrade == null || upgrade.isBlank() || !connectionHas(headers, Headers.UPGRADE_STRING)) {
      return null;
    }
    return upgrade.strip().regionMatches(true, 0, "h2c", 0, 3) ? null : upgrade;
  }

  static void strip(HeaderMap headers) {
    Collection<String> connection = headers.remove(Headers.CONNECTION);
    if (connection != null) {
      // scanned in place, like connectionHas: nearly every answer carries "Connection: keep-alive"
      for (String value : connection) {
        int start = 0;
        while (start <= value.length()) {
          int comma = value.indexOf(',', start);
          int end = comma < 0 ? value.length() : comma;
          int from = start;
          int to = end;
          while (from < to && value.charAt(from) <= ' ') {
            from++;
          }
          while (to > from && value.charAt(to - 1) <= ' ') {
            to--;
          }
          if (to > from && !is(value, from, to, "close") && !is(value, from, to, "keep-alive")) {
            headers.remove(value.substring(from, to));
          }
          start = end + 1;
        }
      }
    }
    for (HttpString name : FIXED) {
      headers.remove(name);
    }
  }

  private static boolean is(String value, int from, int to, String token) {
    return to - from == token.length() && value.regionMatches(true, from, token, 0, token.length());
  }
}

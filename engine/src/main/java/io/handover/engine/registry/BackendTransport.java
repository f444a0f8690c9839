package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

/**
 * How the proxy talks to a version's servers: plain HTTP/1.1 (the default), or TLS with a CA to
 * trust, and HTTP/2 ({@code h2} by ALPN over TLS, {@code h2c} with prior knowledge without).
 *
 * @param tls whether the connections are TLS
 * @param trustedCa PEM text of the CAs to trust, or null for the JDK's default trust store; only with TLS
 * @param trustedCaSource where the CAs came from (a file name, or {@code "inline"}), for messages and JSON; null without
 * @param verifyHostname whether the server's certificate must name the host connected to (or {@code sni})
 * @param sni the host name sent by SNI and verified, instead of the server's hostname; null for that
 * @param protocol {@code http/1.1}, {@code h2} (TLS only) or {@code h2c} (without TLS)
 */
public record BackendTransport(boolean tls, String trustedCa, String trustedCaSource, boolean verifyHostname, String sni,
    String protocol) {

  public static final String HTTP_1_1 = "http/1.1";
  public static final String H2 = "h2";
  public static final String H2C = "h2c";
  public static final BackendTransport PLAIN = new BackendTransport(false, null, null, true, null, HTTP_1_1);

  public BackendTransport {
    requireNonNull(protocol, "protocol is null");
    if (!protocol.equals(HTTP_1_1) && !protocol.equals(H2) && !protocol.equals(H2C)) {
      throw new IllegalArgumentException("protocol must be http/1.1, h2 or h2c");
    }
    if (protocol.equals(H2) && !tls) {
      throw new IllegalArgumentException("protocol h2 needs tls; h2c is HTTP/2 without it");
    }
    if (protocol.equals(H2C) && tls) {
      throw new IllegalArgumentException("protocol h2c is HTTP/2 without TLS; with tls use h2");
    }
  }

  /** Whether the servers are spoken to in HTTP/2. */
  public boolean http2() {
    return !protocol.equals(HTTP_1_1);
  }
}

package io.handover.engine.tls;

import java.util.List;

/**
 * TLS on a listener: its certificates (the first is served when the client names no host, or one
 * that no certificate covers), whether HTTP/2 is offered by ALPN, and how often the files are
 * checked for changes.
 *
 * @param port the TLS port (on the listener's address); 0 picks a free one. Unused by the admin listener,
 *     which then speaks TLS on its own port
 * @param certificates at least one
 * @param http2 whether {@code h2} is offered besides {@code http/1.1}
 * @param reloadCheckMillis how often the files are checked for a change; 0 never (reload by the admin API only)
 */
public record ListenerTls(int port, List<CertificateSource> certificates, boolean http2, long reloadCheckMillis) {

  public static final long DEFAULT_RELOAD_CHECK_MILLIS = 5_000;

  public ListenerTls {
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a TLS listener needs at least one certificate");
    }
  }

  public ListenerTls(int port, List<CertificateSource> certificates) {
    this(port, certificates, true, DEFAULT_RELOAD_CHECK_MILLIS);
  }
}

package io.handover.engine.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.BackendTransport;
import io.handover.engine.tls.TlsFileException;
import io.handover.engine.tls.TrustedCertificates;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A version's {@code tls}: {@code {"trustedCa":"/etc/handover/backend-ca.pem","verifyHostname":true,"sni":"api.internal"}};
 * {@code trustedCa} is an absolute path or the PEM text itself, and is left out to trust the JDK's CAs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendTlsJson(String trustedCa, Boolean verifyHostname, String sni) {

  public BackendTlsJson {
    if (trustedCa != null && trustedCa.isBlank()) {
      throw JsonInputException.of("trustedCa", "must be a non-empty string: an absolute path to PEM certificates, or the PEM text");
    }
    if (sni != null && !sni.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")) {
      throw JsonInputException.of("sni", "must be a DNS host name, e.g. api.internal");
    }
  }

  static String protocol(String protocol, boolean tls) {
    if (protocol == null) {
      return null;
    }
    String p = protocol.strip().toLowerCase(Locale.ROOT);
    if (!p.equals(BackendTransport.HTTP_1_1) && !p.equals(BackendTransport.H2) && !p.equals(BackendTransport.H2C)) {
      throw JsonInputException.of("protocol", "must be \"http/1.1\", \"h2\" (HTTP/2 over tls) or \"h2c\" (HTTP/2 without TLS)");
    }
    if (p.equals(BackendTransport.H2) && !tls) {
      throw JsonInputException.of("protocol", "h2 needs tls (e.g. \"tls\":{}); HTTP/2 without TLS is h2c");
    }
    if (p.equals(BackendTransport.H2C) && tls) {
      throw JsonInputException.of("protocol", "h2c is HTTP/2 without TLS; with tls use h2");
    }
    return p;
  }

  static BackendTransport transport(BackendTlsJson tls, String protocol) {
    String p = protocol == null ? BackendTransport.HTTP_1_1 : protocol;
    if (tls == null) {
      return p.equals(BackendTransport.HTTP_1_1) ? BackendTransport.PLAIN : new BackendTransport(false, null, null, true, null, p);
    }
    String pem = null;
    String source = null;
    if (tls.trustedCa() != null) {
      boolean inline = tls.trustedCa().strip().startsWith("-----BEGIN");
      source = inline ? "inline" : tls.trustedCa();
      try {
        if (!inline && !Path.of(source).isAbsolute()) {
          throw JsonInputException.of("tls.trustedCa", "must be an absolute path (or the PEM text): " + source);
        }
        pem = inline ? tls.trustedCa() : TrustedCertificates.read(Path.of(source));
        TrustedCertificates.parse(pem, source);
      } catch (TlsFileException | java.nio.file.InvalidPathException e) {
        throw JsonInputException.of("tls.trustedCa", e.getMessage());
      }
    }
    return new BackendTransport(true, pem, source, tls.verifyHostname() == null || tls.verifyHostname(), tls.sni(), p);
  }

  static BackendTlsJson of(BackendTransport t) {
    if (!t.tls()) {
      return null;
    }
    String ca = t.trustedCaSource() == null ? null : t.trustedCaSource().equals("inline") ? t.trustedCa() : t.trustedCaSource();
    return new BackendTlsJson(ca, t.verifyHostname() ? null : Boolean.FALSE, t.sni());
  }
}

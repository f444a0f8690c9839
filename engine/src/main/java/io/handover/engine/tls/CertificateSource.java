package io.handover.engine.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where one certificate of a TLS listener is read from: a PEM certificate chain and its PEM key
 * ({@code key} null when the certificate file holds the key too), or a PKCS#12 keystore.
 *
 * @param certificate the PEM chain, leaf first, or the PKCS#12 file
 * @param key the PEM private key (PKCS#8 or PKCS#1 RSA), or null
 * @param password the PKCS#12 password, or null for a PEM pair
 */
public record CertificateSource(Path certificate, Path key, String password) {

  public CertificateSource {
    requireNonNull(certificate, "certificate is null");
  }

  /** A PEM certificate chain and its key. */
  public static CertificateSource pem(Path certificate, Path key) {
    return new CertificateSource(certificate, key, null);
  }

  /** A PKCS#12 keystore holding one key entry. */
  public static CertificateSource pkcs12(Path keystore, String password) {
    return new CertificateSource(keystore, null, requireNonNull(password, "password is null"));
  }

  boolean isPkcs12() {
    return password != null;
  }
}

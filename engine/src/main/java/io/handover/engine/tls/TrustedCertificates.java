package io.handover.engine.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** CA certificates to trust, from PEM text. */
public final class TrustedCertificates {

  private TrustedCertificates() {}

  /**
   * Reads PEM text: a file's content, or the certificates themselves.
   *
   * @param source what to name in a message: the file, or {@code inline}
   * @throws TlsFileException when it holds no certificate or one that cannot be parsed
   */
  public static List<X509Certificate> parse(String pem, String source) throws TlsFileException {
    try {
      return Pem.certificates(java.nio.file.Path.of(source), Pem.blocks(pem));
    } catch (java.nio.file.InvalidPathException e) {
      throw new TlsFileException(source, "is not a file name");
    }
  }

  /** Reads a PEM file. */
  public static String read(java.nio.file.Path file) throws TlsFileException {
    return Pem.read(file);
  }

  /** Trust managers that trust these CAs only; the JDK's default CAs for null. */
  static TrustManager[] trustManagers(List<X509Certificate> cas) {
    try {
      if (cas == null) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return tmf.getTrustManagers();
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot hold trusted certificates", e);
    }
  }
}

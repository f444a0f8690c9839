package io.handover.engine.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A certificate chain and its key, checked: the key matches the leaf and the leaf has not
 * expired. {@code names} are the leaf's DNS names (its common name when it has none).
 */
record LoadedCertificate(CertificateSource source, X509Certificate[] chain, PrivateKey key, List<String> names) {

  static LoadedCertificate load(CertificateSource source, Instant now) throws TlsFileException {
    X509Certificate[] chain;
    PrivateKey key;
    Path keyFile;
    if (source.isPkcs12()) {
      keyFile = source.certificate();
      KeyStore store = pkcs12(source.certificate(), source.password());
      String alias = keyAlias(source.certificate(), store);
      try {
        key = (PrivateKey) store.getKey(alias, source.password().toCharArray());
        Certificate[] certs = store.getCertificateChain(alias);
        chain = new X509Certificate[certs.length];
        for (int i = 0; i < certs.length; i++) {
          chain[i] = (X509Certificate) certs[i];
        }
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new TlsFileException(source.certificate(), "its key entry cannot be read: " + e.getMessage());
      }
    } else {
      List<Pem.Block> certBlocks = Pem.blocks(Pem.read(source.certificate()));
      chain = Pem.certificates(source.certificate(), certBlocks).toArray(X509Certificate[]::new);
      keyFile = source.key() == null ? source.certificate() : source.key();
      key = Pem.privateKey(keyFile, source.key() == null ? certBlocks : Pem.blocks(Pem.read(keyFile)));
      if (key == null) {
        throw new TlsFileException(keyFile, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
      }
    }
    X509Certificate leaf = chain[0];
    if (!matches(key, leaf.getPublicKey())) {
      throw new TlsFileException(keyFile, "the private key does not match the certificate " + subject(leaf)
          + (keyFile.equals(source.certificate()) ? "" : " in " + source.certificate()));
    }
    if (leaf.getNotAfter().toInstant().isBefore(now)) {
      throw new TlsFileException(source.certificate(), "the certificate " + subject(leaf) + " expired on "
          + leaf.getNotAfter().toInstant());
    }
    return new LoadedCertificate(source, chain, key, names(leaf));
  }

  Instant notAfter() {
    return chain[0].getNotAfter().toInstant();
  }

  String algorithm() {
    return key.getAlgorithm();
  }

  /** Whether this certificate covers the host name: one of its names, or a {@code *.} wildcard over one label. */
  boolean covers(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String name : names) {
      if (name.equals(h)) {
        return true;
      }
      if (name.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot).equals(name.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static KeyStore pkcs12(Path file, String password) throws TlsFileException {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    } catch (NoSuchFileException e) {
      throw new TlsFileException(file, "no such file");
    } catch (IOException e) {
      // a wrong password and a file that is no keystore both end here
      throw new TlsFileException(file, "is not a PKCS#12 keystore, or the password is wrong: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(file, "cannot be read as PKCS#12: " + e.getMessage());
    }
  }

  private static String keyAlias(Path file, KeyStore store) throws TlsFileException {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          return alias;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new TlsFileException(file, "cannot be read as PKCS#12: " + e.getMessage());
    }
    throw new TlsFileException(file, "holds no private key entry");
  }

  /** Signs with the private key and verifies with the certificate's public key. */
  private static boolean matches(PrivateKey key, PublicKey certificateKey) {
    if (!key.getAlgorithm().equals(certificateKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> "RSASSA-PSS";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    byte[] probe = "handover key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
      }
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      signer.initVerify(certificateKey);
      signer.update(probe);
      return signer.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String subject(X509Certificate c) {
    return "\"" + c.getSubjectX500Principal().getName() + "\"";
  }

  private static List<String> names(X509Certificate leaf) {
    List<String> names = new ArrayList<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no usable alternative names: fall back to the common name
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
          }
        }
      } catch (InvalidNameException e) {
        // no common name either: the certificate is served only as the default
      }
    }
    return List.copyOf(names);
  }
}

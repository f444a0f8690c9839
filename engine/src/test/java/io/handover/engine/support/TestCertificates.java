package io.handover.engine.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for a test run (BouncyCastle), written as PEM or PKCS#12; nothing is committed. */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate, its key and the CA that signed it (itself, for a self-signed one). */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {

    /** Writes {@code <name>.pem} (certificate) and {@code <name>-key.pem} (PKCS#8 key) into dir. */
    public Path[] writePem(Path dir, String name) throws IOException {
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + "-key.pem");
      Files.writeString(cert, pem(certificate));
      Files.writeString(key, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(this.key, null).generate()));
      return new Path[] {cert, key};
    }

    /** Writes a PKCS#12 keystore holding the key and the certificate. */
    public Path writePkcs12(Path file, String password) throws IOException, GeneralSecurityException {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("site", key, password.toCharArray(), new Certificate[] {certificate});
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return file;
    }

    /** A client context that trusts only this certificate's issuer. */
    public SSLContext trustingIssuer() throws GeneralSecurityException, IOException {
      return trusting(issuer);
    }
  }

  private TestCertificates() {}

  public static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  /** A CA certificate valid for a day. */
  public static Issued ca(String name) throws GeneralSecurityException {
    KeyPair keys = rsa();
    X509Certificate c = build(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys.getPrivate(),
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), List.of(), true, false);
    return new Issued(c, keys.getPrivate(), c);
  }

  /** A server certificate for these DNS names (and 127.0.0.1), signed by ca, valid between the two instants. */
  public static Issued server(Issued ca, Instant from, Instant until, String... names) throws GeneralSecurityException {
    KeyPair keys = rsa();
    X509Certificate c = build(new X500Name("CN=" + names[0]), keys, new X500Name(ca.certificate().getSubjectX500Principal().getName()),
        ca.key(), from, until, List.of(names), false, true);
    return new Issued(c, keys.getPrivate(), ca.certificate());
  }

  /** A server certificate with an EC (P-256) key for these DNS names, valid for a day. */
  public static Issued serverEc(Issued ca, String... names) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair keys = g.generateKeyPair();
    X509Certificate c = build(new X500Name("CN=" + names[0]), keys, new X500Name(ca.certificate().getSubjectX500Principal().getName()),
        ca.key(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), List.of(names), false, false);
    return new Issued(c, keys.getPrivate(), ca.certificate());
  }

  /** A server certificate for these DNS names only (no address), valid for a day. */
  public static Issued serverNamedOnly(Issued ca, String... names) throws GeneralSecurityException {
    KeyPair keys = rsa();
    X509Certificate c = build(new X500Name("CN=" + names[0]), keys, new X500Name(ca.certificate().getSubjectX500Principal().getName()),
        ca.key(), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), List.of(names), false, false);
    return new Issued(c, keys.getPrivate(), ca.certificate());
  }

  /** A server certificate valid for a day. */
  public static Issued server(Issued ca, String... names) throws GeneralSecurityException {
    return server(ca, Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)), names);
  }

  public static SSLContext trusting(X509Certificate ca) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  public static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  private static X509Certificate build(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey signingKey, Instant from,
      Instant until, List<String> names, boolean isCa, boolean withAddress) throws GeneralSecurityException {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(from), Date.from(until), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (!names.isEmpty()) {
        GeneralName[] alt = new GeneralName[names.size() + (withAddress ? 1 : 0)];
        for (int i = 0; i < names.size(); i++) {
          alt[i] = new GeneralName(GeneralName.dNSName, names.get(i));
        }
        if (withAddress) {
          alt[names.size()] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | IOException e) {
      throw new GeneralSecurityException(e);
    }
  }
}

package io.handover.engine.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and private keys with the JDK alone. */
final class Pem {

  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  /** DER of the PKCS#8 wrapping around a PKCS#1 RSA key: version 0, rsaEncryption with NULL parameters. */
  private static final byte[] RSA_PKCS8_PREFIX = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
      (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private Pem() {}

  record Block(String type, byte[] der) {}

  static String read(Path file) throws TlsFileException {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(file, "no such file");
    } catch (IOException e) {
      throw new TlsFileException(file, "cannot be read: " + e.getMessage());
    }
  }

  static List<Block> blocks(String text) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return blocks;
  }

  /** The certificates of the file in order; at least one. */
  static List<X509Certificate> certificates(Path file, List<Block> blocks) throws TlsFileException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks) {
        if (b.type().equals("CERTIFICATE")) {
          chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new TlsFileException(file, "holds a certificate that cannot be parsed: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new TlsFileException(file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  /** The one private key among the blocks, or null when there is none. */
  static PrivateKey privateKey(Path file, List<Block> blocks) throws TlsFileException {
    for (Block b : blocks) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(file, b.der());
        case "RSA PRIVATE KEY":
          return pkcs8(file, wrapRsa(b.der()));
        case "EC PRIVATE KEY":
          throw new TlsFileException(file, "holds an EC key in the SEC1 form; convert it to PKCS#8 with"
              + " openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
        case "ENCRYPTED PRIVATE KEY":
          throw new TlsFileException(file, "holds an encrypted key; decrypt it with"
              + " openssl pkcs8 -in " + file.getFileName() + " -out key.pem, or use a PKCS#12 file with a password");
        default:
          break;
      }
    }
    return null;
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws TlsFileException {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new TlsFileException(file, "holds a private key that is not RSA, EC or EdDSA, or is damaged");
  }

  /** PKCS#1 {@code RSAPrivateKey} inside a PKCS#8 {@code PrivateKeyInfo}. */
  private static byte[] wrapRsa(byte[] pkcs1) {
    byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
    byte[] content = concat(RSA_PKCS8_PREFIX, octets);
    return concat(new byte[] {0x30}, length(content.length), content);
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}

package io.handover.engine.cookie;

import com.google.common.io.BaseEncoding;
import io.handover.api.CookieSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs cookie values with HMAC-SHA256: {@code payload.signature}, the signature base64url without
 * padding. Every instance holding the same key accepts the values of the others.
 */
public final class HmacCookieSigner implements CookieSigner {

  private static final BaseEncoding B64 = BaseEncoding.base64Url().omitPadding();
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public HmacCookieSigner(byte[] secret) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the cookie key must have at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A signer with a random key, valid for this process only. */
  public static HmacCookieSigner random() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new HmacCookieSigner(secret);
  }

  /** A signer whose key is the UTF-8 bytes of a configured secret. */
  public static HmacCookieSigner fromSecret(String secret) {
    return new HmacCookieSigner(secret.getBytes(StandardCharsets.UTF_8));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String sign(String payload) {
    return payload + "." + signature(payload);
  }

  @Override
  public Optional<String> verify(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int dot = value.lastIndexOf('.');
    if (dot <= 0 || dot == value.length() - 1) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = signature(payload).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, expected) ? Optional.of(payload) : Optional.empty();
  }

  private String signature(String payload) {
    Mac mac = macs.get();
    byte[] sig = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
    return B64.encode(sig, 0, 16);
  }
}

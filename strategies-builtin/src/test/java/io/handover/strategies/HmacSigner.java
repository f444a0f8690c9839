package io.handover.strategies;

import io.handover.api.CookieSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signing as {@code payload.signature}, the signature base64url without padding. */
final class HmacSigner implements CookieSigner {

  private final SecretKeySpec key;

  HmacSigner(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
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
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] sig = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

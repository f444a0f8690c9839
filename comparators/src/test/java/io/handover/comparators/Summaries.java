package io.handover.comparators;

import io.handover.api.ResponseSummary;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds {@link ResponseSummary} records for tests. */
final class Summaries {

  private Summaries() {}

  static ResponseSummary status(int status) {
    return new ResponseSummary(status, Map.of(), 0, sha256(new byte[0]), ByteBuffer.allocate(0), 1_000_000, null);
  }

  static ResponseSummary headers(Map<String, List<String>> headers) {
    return new ResponseSummary(200, headers, 0, sha256(new byte[0]), ByteBuffer.allocate(0), 1_000_000, null);
  }

  static ResponseSummary contentType(String value) {
    return headers(Map.of("content-type", List.of(value)));
  }

  /** A summary whose whole body is kept. */
  static ResponseSummary body(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return body(bytes);
  }

  static ResponseSummary body(byte[] bytes) {
    return new ResponseSummary(200, Map.of(), bytes.length, sha256(bytes), ByteBuffer.wrap(bytes), 1_000_000, null);
  }

  /** A summary whose body was too large to keep: only its digest is known. */
  static ResponseSummary digestOnly(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new ResponseSummary(200, Map.of(), bytes.length, sha256(bytes), null, 1_000_000, null);
  }

  static ResponseSummary latencyMillis(double millis) {
    return latencyNanos((long) (millis * 1_000_000));
  }

  static ResponseSummary latencyNanos(long nanos) {
    return new ResponseSummary(200, Map.of(), 0, sha256(new byte[0]), ByteBuffer.allocate(0), nanos, null);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

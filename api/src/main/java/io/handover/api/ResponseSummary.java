package io.handover.api;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * What a comparator knows of one version's response to a mirrored request.
 *
 * <p>Immutable. Built by the engine as the response streams in.
 *
 * @param status the HTTP status code, or 0 when the version failed (see {@code failure})
 * @param headers response headers, names lower case, values in arrival order; not null
 * @param length the body length in bytes as received
 * @param bodySha256 the SHA-256 of the whole body as lower-case hex; not null (empty when failed)
 * @param body the body itself when it fit the mirror's {@code maxBodyBytes}, read-only, or null
 *     when it was larger (then only the digest is known)
 * @param latencyNanos from sending the request to the end of the response
 * @param failure why the version gave no response (connection refused, timeout...), or null
 */
public record ResponseSummary(
    int status,
    Map<String, List<String>> headers,
    long length,
    String bodySha256,
    ByteBuffer body,
    long latencyNanos,
    String failure) {

  public ResponseSummary {
    headers = Map.copyOf(headers);
    requireNonNull(bodySha256, "bodySha256 is null");
    body = body == null ? null : body.asReadOnlyBuffer();
  }

  /** A summary of a version that gave no response. */
  public static ResponseSummary failed(String failure, long latencyNanos) {
    return new ResponseSummary(0, Map.of(), 0, "", null, latencyNanos, requireNonNull(failure, "failure is null"));
  }

  /** Whether a response arrived at all. */
  public boolean succeeded() {
    return failure == null;
  }

  /** The first value of a header (name case-insensitive), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Whether the whole body is available in {@link #body()}. */
  public boolean hasBody() {
    return body != null;
  }
}

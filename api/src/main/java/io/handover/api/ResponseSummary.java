package io.handover.api;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * What a comparator knows of one version's response to a mirrored request.
 *
 * <p>Immutable and safe to share between threads. Built by the engine once a response has
 * arrived; comparators read it concurrently on worker threads. Nothing here blocks.
 *
 * @param status the HTTP status code, or 0 when the version failed (see {@code failure})
 * @param headers response headers, names lower case, values in arrival order; not null
 * @param length the body length in bytes as received
 * @param bodySha256 the SHA-256 of the whole body as lower-case hex; not null (empty when failed)
 * @param body the body itself (the given buffer's remaining bytes) when it fit the mirror's
 *     {@code maxBodyBytes}, or null when it was larger (then only the digest is known). The record
 *     keeps a copy, so the given buffer may be reused; {@link #body()} hands out read-only views.
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
    body = body == null ? null : ByteBuffer.allocate(body.remaining()).put(body.duplicate()).flip().asReadOnlyBuffer();
  }

  /**
   * The body, when the whole of it was kept: a new read-only view per call, positioned at its start
   * with {@code remaining()} equal to its length. Reading it moves only that view, so callers on
   * different threads may each read their own at once.
   *
   * @return a read-only view of the body, or null when it was too large to keep (see
   *     {@link #hasBody()})
   */
  @Override
  public ByteBuffer body() {
    return body == null ? null : body.duplicate();
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

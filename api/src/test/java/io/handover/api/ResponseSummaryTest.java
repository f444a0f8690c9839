package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseSummaryTest {

  private static ResponseSummary withBody(ByteBuffer body) {
    return new ResponseSummary(200, Map.of("content-type", List.of("text/plain")), body.remaining(), "ab", body, 1, null);
  }

  @Test
  void bodyIsCopiedOnConstruction() {
    byte[] bytes = "hello".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer given = ByteBuffer.wrap(bytes);
    ResponseSummary summary = withBody(given);
    bytes[0] = 'j';
    assertThat(StandardCharsets.US_ASCII.decode(summary.body()).toString()).isEqualTo("hello");
    // The caller's buffer is not consumed.
    assertThat(given.position()).isZero();
  }

  @Test
  void onlyTheRemainingBytesAreKept() {
    ByteBuffer given = ByteBuffer.wrap("xxhello".getBytes(StandardCharsets.US_ASCII));
    given.position(2);
    assertThat(withBody(given).body()).isEqualTo(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void eachCallGivesItsOwnReadOnlyView() {
    ResponseSummary summary = withBody(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    ByteBuffer first = summary.body();
    assertThat(first.isReadOnly()).isTrue();
    assertThatThrownBy(() -> first.put(0, (byte) 9)).isInstanceOf(ReadOnlyBufferException.class);
    first.get();
    first.get();
    ByteBuffer second = summary.body();
    assertThat(second).isNotSameAs(first);
    assertThat(second.position()).isZero();
    assertThat(second.remaining()).isEqualTo(3);
    assertThat(first.remaining()).isEqualTo(1);
  }

  @Test
  void readingTheBodyDoesNotChangeEquality() {
    ResponseSummary a = withBody(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    ResponseSummary b = withBody(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    a.body().get();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void withoutBodyOnlyTheDigestIsKnown() {
    ResponseSummary summary = new ResponseSummary(200, Map.of(), 10_000_000, "ab", null, 1, null);
    assertThat(summary.hasBody()).isFalse();
    assertThat(summary.body()).isNull();
    ResponseSummary failed = ResponseSummary.failed("connection refused", 5);
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.body()).isNull();
  }
}

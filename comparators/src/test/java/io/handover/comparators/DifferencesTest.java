package io.handover.comparators;

import static io.handover.comparators.Summaries.body;
import static io.handover.comparators.Summaries.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.ComparisonResult;
import io.handover.api.Difference;
import io.handover.api.Ignores;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mismatches name the places that differ, and learned noise is left out at compare time. */
class DifferencesTest {

  private final ResponseComparator body = new BodyComparatorFactory().create(Settings.empty());
  private final ResponseComparator headers = new HeadersComparatorFactory()
      .create(Settings.of(Map.of("headers", List.of("Content-Type", "X-Served-At"))));

  @Test
  void aJsonMismatchNamesEveryDifferingMemberWithBothValues() {
    ComparisonResult r = body.compare(body("{\"id\":\"a\",\"total\":10,\"items\":[1,2]}"),
        body("{\"id\":\"b\",\"total\":10,\"items\":[1,3],\"extra\":true}"));
    assertThat(r.matches()).isFalse();
    assertThat(r.reason()).isEqualTo("body JSON differs at /id: \"a\" vs \"b\"; at /items/1: 2 vs 3; at /extra: absent vs true");
    assertThat(r.differences()).containsExactly(
        new Difference(Difference.Kind.BODY, "/id", "\"a\"", "\"b\""),
        new Difference(Difference.Kind.BODY, "/items/1", "2", "3"),
        new Difference(Difference.Kind.BODY, "/extra", "absent", "true"));
  }

  @Test
  void longValuesAreShortenedInTheReason() {
    String longText = "x".repeat(500);
    ComparisonResult r = body.compare(body("{\"a\":\"" + longText + "\"}"), body("{\"a\":\"y\"}"));
    assertThat(r.differences().get(0).target()).hasSizeLessThan(90).endsWith("…\"");
  }

  @Test
  void withoutIgnoredPointersJsonEqualButDifferentBytesStillDiffers() {
    ComparisonResult r = body.compare(body("{\"a\":1,\"b\":2}"), body("{\"b\":2,\"a\":1}"));
    assertThat(r.matches()).isFalse();
    assertThat(r.reason()).contains("body sha256").contains("equal as JSON");
  }

  @Test
  void learnedPointersAreLeftOutButOtherDifferencesStillCount() {
    Ignores noise = new Ignores(Set.of("/requestId"), Set.of());
    assertThat(body.compare(body("{\"requestId\":\"1\",\"n\":1}"), body("{\"requestId\":\"2\",\"n\":1}"), noise).matches()).isTrue();
    ComparisonResult r = body.compare(body("{\"requestId\":\"1\",\"n\":1}"), body("{\"requestId\":\"2\",\"n\":2}"), noise);
    assertThat(r.matches()).isFalse();
    assertThat(r.reason()).isEqualTo("body JSON differs at /n: 1 vs 2");
  }

  @Test
  void aHeaderMismatchNamesTheHeaderAndLearnedHeadersAreLeftOut() {
    var a = headers(Map.of("content-type", List.of("text/plain"), "x-served-at", List.of("1")));
    var b = headers(Map.of("content-type", List.of("text/plain"), "x-served-at", List.of("2")));
    ComparisonResult r = headers.compare(a, b);
    assertThat(r.differences()).containsExactly(new Difference(Difference.Kind.HEADER, "x-served-at", "\"1\"", "\"2\""));
    assertThat(headers.compare(a, b, new Ignores(Set.of(), Set.of("X-Served-At"))).matches()).isTrue();
  }

  @Test
  void ignoreHeadersTakesAListedHeaderOut() {
    ResponseComparator ignoring = new HeadersComparatorFactory().create(Settings.of(Map.of(
        "headers", List.of("Content-Type", "X-Served-At"), "ignoreHeaders", List.of("x-served-at"))));
    var a = headers(Map.of("content-type", List.of("text/plain"), "x-served-at", List.of("1")));
    var b = headers(Map.of("content-type", List.of("text/plain"), "x-served-at", List.of("2")));
    assertThat(ignoring.compare(a, b).matches()).isTrue();
  }
}

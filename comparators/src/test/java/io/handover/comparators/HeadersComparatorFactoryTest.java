package io.handover.comparators;

import static io.handover.comparators.Summaries.contentType;
import static io.handover.comparators.Summaries.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.handover.api.ComparisonResult;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersComparatorFactoryTest {

  private final HeadersComparatorFactory factory = new HeadersComparatorFactory();
  private final ResponseComparator defaults = factory.create(Settings.empty());

  private ResponseComparator comparing(Object headers) {
    return factory.create(Settings.of(Map.of("headers", headers)));
  }

  private InvalidSettingException invalid(Map<String, ?> settings) {
    return catchThrowableOfType(InvalidSettingException.class, () -> factory.create(Settings.of(settings)));
  }

  @Test
  void nameIsHeaders() {
    assertThat(factory.name()).isEqualTo("headers");
  }

  @Test
  void defaultComparesOnlyContentType() {
    var a = headers(Map.of("content-type", List.of("application/json"), "x-version", List.of("1")));
    var b = headers(Map.of("content-type", List.of("application/json"), "x-version", List.of("2")));
    assertThat(defaults.compare(a, b).matches()).isTrue();

    ComparisonResult result = defaults.compare(contentType("application/json"), contentType("text/html"));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("header Content-Type \"application/json\" vs \"text/html\"");
  }

  @Test
  void contentTypeIgnoresCaseOfTypeAndParameterNamesAndWhitespace() {
    assertThat(defaults.compare(contentType("Application/JSON ;  Charset=UTF-8"),
        contentType("application/json;charset=utf-8")).matches()).isTrue();
    assertThat(defaults.compare(contentType("text/plain; charset=\"utf-8\""),
        contentType("text/plain;charset=utf-8")).matches()).isTrue();
    assertThat(defaults.compare(contentType("text/plain;"), contentType("text/plain")).matches()).isTrue();
  }

  @Test
  void contentTypeParameterValuesStillCount() {
    assertThat(defaults.compare(contentType("text/plain; charset=utf-8"),
        contentType("text/plain; charset=iso-8859-1")).matches()).isFalse();
    assertThat(defaults.compare(contentType("text/plain"), contentType("text/plain; charset=utf-8")).matches()).isFalse();
    // Boundaries are case-sensitive, and a quoted semicolon is part of the value.
    assertThat(defaults.compare(contentType("multipart/mixed; boundary=AbC"),
        contentType("multipart/mixed; boundary=abc")).matches()).isFalse();
    assertThat(defaults.compare(contentType("multipart/mixed; boundary=\"a; b\""),
        contentType("multipart/mixed; boundary=\"a;b\"")).matches()).isFalse();
  }

  @Test
  void normalizedContentTypeForm() {
    assertThat(HeadersComparatorFactory.normalizeContentType(" Text/HTML ; Charset=\"UTF-8\" ; q=\"a\\\"b\""))
        .isEqualTo("text/html;charset=utf-8;q=a\"b");
  }

  @Test
  void configuredNamesAreCaseInsensitive() {
    ResponseComparator comparator = comparing(List.of("X-VERSION"));
    var one = headers(Map.of("x-version", List.of("1")));
    var two = headers(Map.of("x-version", List.of("2")));
    assertThat(comparator.compare(one, one).matches()).isTrue();
    ComparisonResult result = comparator.compare(one, two);
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("header X-VERSION \"1\" vs \"2\"");
  }

  @Test
  void headerNamesInSummariesInOtherCasesAreStillFound() {
    var lower = headers(Map.of("etag", List.of("\"v1\"")));
    var mixed = headers(Map.of("ETag", List.of("\"v2\"")));
    assertThat(comparing("ETag").compare(lower, mixed).reason()).isEqualTo("header ETag \"\"v1\"\" vs \"\"v2\"\"");
  }

  @Test
  void otherHeadersAreComparedExactly() {
    ResponseComparator comparator = comparing(List.of("Cache-Control"));
    var a = headers(Map.of("cache-control", List.of("no-cache")));
    var b = headers(Map.of("cache-control", List.of("No-Cache")));
    assertThat(comparator.compare(a, b).matches()).isFalse();
  }

  @Test
  void missingOnBothSidesIsEqualButOnOneSideDiffers() {
    ResponseComparator comparator = comparing("X-Trace");
    var none = headers(Map.of());
    var some = headers(Map.of("x-trace", List.of("abc")));
    assertThat(comparator.compare(none, none).matches()).isTrue();
    assertThat(comparator.compare(none, headers(Map.of("x-trace", List.of())))).isEqualTo(ComparisonResult.match());
    assertThat(comparator.compare(none, some).reason()).isEqualTo("header X-Trace absent vs \"abc\"");
    assertThat(comparator.compare(some, none).reason()).isEqualTo("header X-Trace \"abc\" vs absent");
  }

  @Test
  void allValuesCountInOrder() {
    ResponseComparator comparator = comparing("Vary");
    var ab = headers(Map.of("vary", List.of("Accept", "Origin")));
    var ba = headers(Map.of("vary", List.of("Origin", "Accept")));
    assertThat(comparator.compare(ab, ab).matches()).isTrue();
    assertThat(comparator.compare(ab, ba).reason())
        .isEqualTo("header Vary \"Accept\", \"Origin\" vs \"Origin\", \"Accept\"");
  }

  @Test
  void everyDifferingHeaderIsReported() {
    ResponseComparator comparator = comparing(List.of("Content-Type", "X-Version", "content-type"));
    var a = headers(Map.of("content-type", List.of("text/html"), "x-version", List.of("1")));
    var b = headers(Map.of("content-type", List.of("text/plain"), "x-version", List.of("2")));
    assertThat(comparator.compare(a, b).reason())
        .isEqualTo("header Content-Type \"text/html\" vs \"text/plain\"; header X-Version \"1\" vs \"2\"");
  }

  @Test
  void settingsErrorsNameTheField() {
    InvalidSettingException notList = invalid(Map.of("headers", 5));
    assertThat(notList.field()).isEqualTo("headers");
    assertThat(notList.getMessage()).isEqualTo("headers must be a list of strings");

    assertThat(invalid(Map.of("headers", List.of("Content-Type", 7))).field()).isEqualTo("headers[1]");

    InvalidSettingException empty = invalid(Map.of("headers", List.of()));
    assertThat(empty.field()).isEqualTo("headers");
    assertThat(empty.getMessage()).isEqualTo("headers must name at least one header");

    InvalidSettingException badName = invalid(Map.of("headers", List.of("Content Type")));
    assertThat(badName.field()).isEqualTo("headers");
    assertThat(badName.getMessage()).isEqualTo("headers entry \"Content Type\" is not a valid header name");
    assertThat(invalid(Map.of("headers", List.of(""))).field()).isEqualTo("headers");
    assertThat(invalid(Map.of("headers", List.of("X-Foo:"))).field()).isEqualTo("headers");
  }

  @Test
  void unknownSettingIsRejected() {
    InvalidSettingException e = invalid(Map.of("header", List.of("ETag")));
    assertThat(e.field()).isEqualTo("header");
    assertThat(e.getMessage()).isEqualTo("header is not a setting of headers; known: headers, ignoreHeaders");
  }
}

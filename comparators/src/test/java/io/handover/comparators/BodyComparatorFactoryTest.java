package io.handover.comparators;

import static io.handover.comparators.Summaries.body;
import static io.handover.comparators.Summaries.digestOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.handover.api.ComparisonResult;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyComparatorFactoryTest {

  private final BodyComparatorFactory factory = new BodyComparatorFactory();
  private final ResponseComparator digestOnly = factory.create(Settings.empty());

  private ResponseComparator ignoring(Object pointers) {
    return factory.create(Settings.of(Map.of("ignoreJsonPointers", pointers)));
  }

  private InvalidSettingException invalid(Map<String, ?> settings) {
    return catchThrowableOfType(InvalidSettingException.class, () -> factory.create(Settings.of(settings)));
  }

  @Test
  void nameIsBody() {
    assertThat(factory.name()).isEqualTo("body");
  }

  @Test
  void equalBodiesMatch() {
    assertThat(digestOnly.compare(body("hello"), body("hello"))).isEqualTo(ComparisonResult.match());
    // Only the digest is needed: bodies too large to keep still compare.
    assertThat(digestOnly.compare(digestOnly("hello"), digestOnly("hello")).matches()).isTrue();
  }

  @Test
  void differentBodiesDifferWithDigestsAndLengths() {
    ResponseSummary a = body("hello");
    ResponseSummary b = body("hello!");
    ComparisonResult result = digestOnly.compare(a, b);
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("body sha256 " + a.bodySha256().substring(0, 12) + "… (5 bytes) vs "
        + b.bodySha256().substring(0, 12) + "… (6 bytes)");
  }

  @Test
  void withoutPointersJsonIsComparedByBytes() {
    assertThat(digestOnly.compare(body("{\"a\":1}"), body("{\"a\": 1}")).matches()).isFalse();
  }

  @Test
  void ignoredTopLevelMemberMayDifferOrBeMissing() {
    ResponseComparator comparator = ignoring(List.of("/timestamp"));
    assertThat(comparator.compare(body("{\"id\":7,\"timestamp\":\"10:00\"}"),
        body("{\"timestamp\":\"10:01\",\"id\":7}")).matches()).isTrue();
    assertThat(comparator.compare(body("{\"id\":7,\"timestamp\":1}"), body("{\"id\":7}")).matches()).isTrue();

    ComparisonResult result = comparator.compare(body("{\"id\":7,\"timestamp\":1}"), body("{\"id\":8,\"timestamp\":2}"));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("body JSON differs at /id: 7 vs 8");
  }

  @Test
  void nestedAndArrayPointers() {
    ResponseComparator comparator = ignoring(List.of("/meta/requestId", "/items/0/id"));
    String a = "{\"meta\":{\"requestId\":\"r1\",\"page\":1},\"items\":[{\"id\":1,\"name\":\"x\"},{\"id\":2,\"name\":\"y\"}]}";
    String b = "{\"meta\":{\"requestId\":\"r2\",\"page\":1},\"items\":[{\"id\":9,\"name\":\"x\"},{\"id\":2,\"name\":\"y\"}]}";
    assertThat(comparator.compare(body(a), body(b)).matches()).isTrue();

    // Only element 0's id is ignored.
    String c = b.replace("{\"id\":2,", "{\"id\":3,");
    assertThat(comparator.compare(body(a), body(c)).reason()).isEqualTo("body JSON differs at /items/1/id: 2 vs 3");
    String d = b.replace("\"page\":1", "\"page\":2");
    assertThat(comparator.compare(body(a), body(d)).reason()).isEqualTo("body JSON differs at /meta/page: 1 vs 2");
  }

  @Test
  void ignoredArrayElementKeepsTheOthersInPlace() {
    ResponseComparator comparator = ignoring("/list/1");
    assertThat(comparator.compare(body("{\"list\":[1,2,3]}"), body("{\"list\":[1,\"two\",3]}")).matches()).isTrue();
    assertThat(comparator.compare(body("{\"list\":[1,2,3]}"), body("{\"list\":[1,2,4]}")).reason())
        .isEqualTo("body JSON differs at /list/2: 3 vs 4");
    assertThat(comparator.compare(body("{\"list\":[1,2,3]}"), body("{\"list\":[1,2]}")).reason())
        .isEqualTo("body JSON differs at /list/2: 3 vs absent");
  }

  @Test
  void escapedPointers() {
    ResponseComparator comparator = ignoring(List.of("/links/a~1b", "/m~0n"));
    assertThat(comparator.compare(body("{\"links\":{\"a/b\":1,\"c\":1},\"m~n\":1}"),
        body("{\"links\":{\"a/b\":2,\"c\":1},\"m~n\":2}")).matches()).isTrue();
    // The unescaped spelling names a different member, which is not ignored.
    ResponseComparator unescaped = ignoring("/links/a/b");
    ComparisonResult result = unescaped.compare(body("{\"links\":{\"a/b\":1}}"), body("{\"links\":{\"a/b\":2}}"));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).isEqualTo("body JSON differs at /links/a~1b: 1 vs 2");
  }

  @Test
  void jsonComparisonIgnoresNumberFormMemberOrderAndWhitespace() {
    ResponseComparator comparator = ignoring("/unused");
    assertThat(comparator.compare(body("{\"price\":1.0,\"n\":[1e2]}"), body("{ \"n\" : [ 100 ],\n \"price\" : 1.00 }"))
        .matches()).isTrue();
    assertThat(comparator.compare(body("{\"s\":\"\\u00e9\"}"), body("{\"s\":\"é\"}")).matches()).isTrue();
  }

  @Test
  void jsonDifferencesAreDescribed() {
    ResponseComparator comparator = ignoring("/unused");
    assertThat(comparator.compare(body("{\"a\":1}"), body("{\"a\":1,\"b\":{}}")).reason())
        .isEqualTo("body JSON differs at /b: absent vs an object");
    assertThat(comparator.compare(body("{\"a\":\"x\\\"y\"}"), body("{\"a\":[]}")).reason())
        .isEqualTo("body JSON differs at /a: \"x\\\"y\" vs an array");
    assertThat(comparator.compare(body("[1]"), body("{}")).reason())
        .isEqualTo("body JSON differs at the root: an array vs an object");
    assertThat(comparator.compare(body("null"), body("false")).reason())
        .isEqualTo("body JSON differs at the root: null vs false");
    assertThat(comparator.compare(body("\"" + "a".repeat(100) + "\""), body("\"b\"")).reason())
        .isEqualTo("body JSON differs at the root: \"" + "a".repeat(80) + "…\" vs \"b\"");
  }

  @Test
  void rootPointerIgnoresAnyJsonButNotOtherBodies() {
    ResponseComparator comparator = ignoring("");
    assertThat(comparator.compare(body("[1]"), body("{\"x\":null}")).matches()).isTrue();
    assertThat(comparator.compare(body("[1]"), body("<html>")).matches()).isFalse();
  }

  @Test
  void nonJsonBodiesFallBackToTheDigest() {
    ResponseComparator comparator = ignoring("/timestamp");
    assertThat(comparator.compare(body("plain text"), body("plain text")).matches()).isTrue();
    ComparisonResult target = comparator.compare(body("{\"timestamp\":1"), body("{\"timestamp\":2}"));
    assertThat(target.matches()).isFalse();
    assertThat(target.reason()).startsWith("body sha256 ").endsWith("; compared by digest: target body is not JSON");
    ComparisonResult candidate = comparator.compare(body("{\"timestamp\":1}"), body("{\"timestamp\":2} trailing"));
    assertThat(candidate.reason()).endsWith("; compared by digest: candidate body is not JSON");
  }

  @Test
  void invalidUtf8IsNotJson() {
    ResponseComparator comparator = ignoring("/timestamp");
    byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertThat(comparator.compare(body(bad), body("{\"a\":\"x\"}")).reason())
        .endsWith("; compared by digest: target body is not JSON");
  }

  @Test
  void bodiesTooLargeToKeepFallBackToTheDigest() {
    ResponseComparator comparator = ignoring("/timestamp");
    ComparisonResult result = comparator.compare(digestOnly("{\"timestamp\":1}"), body("{\"timestamp\":2}"));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).endsWith("; compared by digest: target body was too large to keep");
    assertThat(comparator.compare(body("{\"timestamp\":1}"), digestOnly("{\"timestamp\":2}")).reason())
        .endsWith("; compared by digest: candidate body was too large to keep");
    assertThat(comparator.compare(digestOnly("{\"timestamp\":1}"), digestOnly("{\"timestamp\":1}")).matches()).isTrue();
  }

  @Test
  void comparingDoesNotConsumeTheSharedBodyBuffer() {
    ResponseComparator comparator = ignoring("/t");
    ResponseSummary a = body("{\"t\":1,\"v\":\"same\"}");
    ResponseSummary b = body("{\"t\":2,\"v\":\"same\"}");
    assertThat(comparator.compare(a, b).matches()).isTrue();
    assertThat(comparator.compare(a, b).matches()).isTrue();
    assertThat(a.body().remaining()).isEqualTo(a.length());
  }

  @Test
  void deeplyNestedBodiesFallBackInsteadOfOverflowing() {
    ResponseComparator comparator = ignoring("/t");
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    ComparisonResult result = comparator.compare(body(deep), body(deep + " "));
    assertThat(result.matches()).isFalse();
    assertThat(result.reason()).endsWith("target body is not JSON");
  }

  @Test
  void pointersAreValidatedAtCreation() {
    InvalidSettingException noSlash = invalid(Map.of("ignoreJsonPointers", List.of("/ok", "timestamp")));
    assertThat(noSlash.field()).isEqualTo("ignoreJsonPointers");
    assertThat(noSlash.getMessage())
        .isEqualTo("ignoreJsonPointers entry \"timestamp\" must be empty or start with \"/\"");

    InvalidSettingException badEscape = invalid(Map.of("ignoreJsonPointers", "/a~2"));
    assertThat(badEscape.field()).isEqualTo("ignoreJsonPointers");
    assertThat(badEscape.getMessage()).isEqualTo("ignoreJsonPointers entry \"/a~2\" has a \"~\" not followed by 0 or 1");
    assertThat(invalid(Map.of("ignoreJsonPointers", "/a~")).getMessage())
        .isEqualTo("ignoreJsonPointers entry \"/a~\" has a \"~\" not followed by 0 or 1");
    assertThat(invalid(Map.of("ignoreJsonPointers", "/~~01")).field()).isEqualTo("ignoreJsonPointers");
    assertThat(factory.create(Settings.of(Map.of("ignoreJsonPointers", List.of("", "/", "/a~0~1b//0"))))).isNotNull();

    assertThat(invalid(Map.of("ignoreJsonPointers", 3)).field()).isEqualTo("ignoreJsonPointers");
    assertThat(invalid(Map.of("ignoreJsonPointers", List.of("/a", false))).field()).isEqualTo("ignoreJsonPointers[1]");
  }

  @Test
  void unknownSettingIsRejected() {
    InvalidSettingException e = invalid(Map.of("ignore", List.of("/a")));
    assertThat(e.field()).isEqualTo("ignore");
    assertThat(e.getMessage()).isEqualTo("ignore is not a setting of body; known: ignoreJsonPointers");
  }
}

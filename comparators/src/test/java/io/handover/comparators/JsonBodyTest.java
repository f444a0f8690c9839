package io.handover.comparators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How bodies are read for the body comparator: strict UTF-8 JSON within limits, and what ignoring removes. */
class JsonBodyTest {

  private static JsonNode parse(String text) {
    return JsonBody.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether two texts are the same JSON for the comparator. */
  private static boolean same(String a, String b) {
    return JsonDiff.firstDifference(parse(a), parse(b)) == null;
  }

  @Test
  void parsesScalars() {
    assertThat(parse("true").booleanValue()).isTrue();
    assertThat(parse("false").isBoolean()).isTrue();
    assertThat(parse("null").isNull()).isTrue();
    assertThat(parse("\"hi\"").textValue()).isEqualTo("hi");
    assertThat(parse("42").intValue()).isEqualTo(42);
  }

  @Test
  void parsesNestedStructuresInMemberOrder() {
    JsonNode value = parse(" {\"b\": [1, {\"c\": null}, []],\n\t\"a\": {}\r} ");
    assertThat(value.get("b").get(1).get("c").isNull()).isTrue();
    assertThat(value.get("b").get(2).isEmpty()).isTrue();
    assertThat(List.copyOf(value.properties()).stream().map(e -> e.getKey()).toList()).isEqualTo(List.of("b", "a"));
  }

  @Test
  void lastDuplicateNameWins() {
    assertThat(same("{\"a\":1,\"a\":2}", "{\"a\":2}")).isTrue();
  }

  @Test
  void decodesAllSimpleEscapes() {
    assertThat(parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"").textValue()).isEqualTo("\"\\/\b\f\n\r\t");
  }

  @Test
  void decodesUnicodeEscapesIncludingSurrogatePairs() {
    assertThat(parse("\"\\u0041\\u00e9\\u00E9\\u20AC\"").textValue()).isEqualTo("Aéé€");
    String emoji = parse("\"\\uD83D\\uDE00\"").textValue();
    assertThat(emoji).isEqualTo("😀");
    assertThat(emoji.codePointAt(0)).isEqualTo(0x1F600);
    assertThat(parse("\"😀\"").textValue()).isEqualTo(emoji);
    // An unpaired surrogate is kept rather than rejected, as most parsers do.
    assertThat(parse("\"\\uD83D!\"").textValue()).isEqualTo("\uD83D!");
    assertThat(parse("\"\\u0000\"").textValue()).isEqualTo("\0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"\\u", "\"\\", "\"abc", "\"a\nb\"", "\"a\tb\"",
      "'a'", "\"\\U0041\""})
  void rejectsBadStrings(String text) {
    assertThat(parse(text)).isNull();
  }

  @Test
  void rejectsInvalidUtf8() {
    assertThat(JsonBody.parse(ByteBuffer.wrap(new byte[] {'"', (byte) 0xC3, '"'}))).isNull();
    assertThat(JsonBody.parse(ByteBuffer.wrap(new byte[] {'"', (byte) 0xFF, '"'}))).isNull();
  }

  @Test
  void numbersCompareByValue() {
    assertThat(same("1.0", "1.00")).isTrue();
    assertThat(same("1.00", "1")).isTrue();
    assertThat(same("1e2", "100")).isTrue();
    assertThat(same("100", "1E+2")).isTrue();
    assertThat(same("1E+2", "0.1e3")).isTrue();
    assertThat(same("-0", "0.0")).isTrue();
    assertThat(same("0.0", "0e10")).isTrue();
    assertThat(same("[1.50]", "[1.5]")).isTrue();
    assertThat(same("1.5", "1.05")).isFalse();
    assertThat(parse("-12.5e-1").decimalValue()).isEqualByComparingTo("-1.25");
    assertThat(same("123456789012345678901234567890", "123456789012345678901234567891")).isFalse();
    // Floating-point values that one double cannot tell apart still differ.
    assertThat(same("0.1", "0.10000000000000001")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1.e3",
      "--1", "١"})
  void rejectsBadNumbers(String text) {
    assertThat(parse(text)).isNull();
  }

  @Test
  void rejectsNumbersThatWouldCostTooMuchOrDoNotFit() {
    assertThat(parse("1" + "0".repeat(JsonBody.MAX_NUMBER_LENGTH))).isNull();
    assertThat(parse("1" + "0".repeat(JsonBody.MAX_NUMBER_LENGTH - 1)).isNumber()).isTrue();
    assertThat(parse("1e99999999999")).isNull();
    // Unlike a normalised form, Jackson's BigDecimal keeps the digits as written, so this one fits.
    assertThat(same("100e2147483647", "1000e2147483646")).isTrue();
    assertThat(parse("1e2147483649")).isNull();
    assertThat(parse("1e-2147483648")).isNull();
    assertThat(same("1e999999999", "10e999999998")).isTrue();
  }

  @Test
  void rejectsStringsOverTheLimit() {
    assertThat(parse("\"" + "a".repeat(JsonBody.MAX_STRING_LENGTH + 1) + "\"")).isNull();
    assertThat(parse("\"" + "a".repeat(1000) + "\"").textValue()).hasSize(1000);
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    JsonNode value = parse("[".repeat(JsonBody.MAX_DEPTH) + "]".repeat(JsonBody.MAX_DEPTH));
    int depth = 0;
    while (value != null && value.isArray() && depth < 1000) {
      depth++;
      value = value.isEmpty() ? null : value.get(0);
    }
    assertThat(depth).isEqualTo(JsonBody.MAX_DEPTH);
  }

  @Test
  void rejectsDeeperNestingCleanly() {
    assertThat(parse("[".repeat(JsonBody.MAX_DEPTH + 1) + "]".repeat(JsonBody.MAX_DEPTH + 1))).isNull();
    assertThat(parse("{\"a\":".repeat(JsonBody.MAX_DEPTH + 1) + "1" + "}".repeat(JsonBody.MAX_DEPTH + 1))).isNull();
    // Far deeper than any stack would allow: still not JSON, not a StackOverflowError.
    assertThat(parse("[".repeat(1_000_000))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} x", "1 2", "[1]]", "truex", "nul", "{}{}", "\"a\"\"b\"", "null,"})
  void rejectsTrailingGarbage(String text) {
    assertThat(parse(text)).isNull();
  }

  @Test
  void acceptsTrailingWhitespace() {
    assertThat(same("[true] \n\t\r ", "[true]")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{1:1}", "[1 2]", "{\"a\":}",
      "[", "{", "{\"a\"", "]", "\u00a0[]", "[]\u00a0", "\uFEFF[]", "True", "[1;2]"})
  void rejectsMalformedDocuments(String text) {
    assertThat(parse(text)).isNull();
  }

  @Test
  void longArraysDoNotRecurse() {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < 10_000; i++) {
      text.append(i == 0 ? "" : ",").append(i);
    }
    JsonNode value = parse(text.append(']').toString());
    assertThat(value.size()).isEqualTo(10_000);
    assertThat(value.get(9_999).intValue()).isEqualTo(9_999);
  }

  @Test
  void removesMembersAndBlanksElements() {
    JsonNode doc = parse("{\"a\":{\"b\":1,\"c\":2},\"items\":[{\"id\":1},{\"id\":2},3]}");
    JsonBody.remove(doc, JsonPointer.compile("/a/b"));
    JsonBody.remove(doc, JsonPointer.compile("/items/0/id"));
    JsonBody.remove(doc, JsonPointer.compile("/items/1"));
    assertThat(doc.get("a")).isEqualTo(parse("{\"c\":2}"));
    assertThat(doc.get("items").get(0)).isEqualTo(parse("{}"));
    assertThat(doc.get("items").get(1)).isSameAs(JsonBody.IGNORED);
    assertThat(doc.get("items").get(2)).isEqualTo(parse("3"));
    assertThat(doc.get("items").size()).isEqualTo(3);
  }

  @Test
  void missingPartsAndNonIndexTokensAreLeftAlone() {
    String text = "{\"a\":[1,2],\"b\":\"x\",\"c\":null}";
    for (String pointer : List.of("/z", "/z/y", "/a/2", "/a/-", "/a/01", "/a/x", "/a/+1", "/b/0", "/c/d",
        "/a/99999999999")) {
      JsonNode doc = parse(text);
      assertThat(JsonBody.remove(doc, JsonPointer.compile(pointer))).as(pointer).isEqualTo(parse(text));
    }
  }

  @Test
  void escapedTokensNameMembers() {
    JsonNode doc = parse("{\"a/b\":1,\"m~n\":2,\"~1\":3,\"\":4,\"k\":5}");
    for (String pointer : List.of("/a~1b", "/m~0n", "/~01", "/")) {
      JsonBody.remove(doc, JsonPointer.compile(pointer));
    }
    assertThat(doc).isEqualTo(parse("{\"k\":5}"));
  }

  @Test
  void rootPointerIgnoresTheWholeDocument() {
    assertThat(JsonBody.remove(parse("[1]"), JsonPointer.compile(""))).isSameAs(JsonBody.IGNORED);
  }
}

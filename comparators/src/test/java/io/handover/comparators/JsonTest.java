package io.handover.comparators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void parsesScalars() {
    assertThat(Json.parse("true")).isEqualTo(Boolean.TRUE);
    assertThat(Json.parse("false")).isEqualTo(Boolean.FALSE);
    assertThat(Json.parse("null")).isNull();
    assertThat(Json.parse("\"hi\"")).isEqualTo("hi");
    assertThat(Json.parse("42")).isEqualTo(new BigDecimal("42"));
  }

  @Test
  void parsesNestedStructuresInMemberOrder() {
    Object value = Json.parse(" {\"b\": [1, {\"c\": null}, []],\n\t\"a\": {}\r} ");
    assertThat(value).isEqualTo(Map.of("b", Arrays.asList(BigDecimal.ONE, singletonWithNull("c"), List.of()),
        "a", Map.of()));
    assertThat(List.copyOf(((Map<?, ?>) value).keySet())).isEqualTo(List.of("b", "a"));
  }

  private static Map<String, Object> singletonWithNull(String key) {
    Map<String, Object> map = new java.util.HashMap<>();
    map.put(key, null);
    return map;
  }

  @Test
  void containersAreMutable() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) Json.parse("{\"a\":[1]}");
    map.remove("a");
    assertThat(map).isEmpty();
  }

  @Test
  void lastDuplicateNameWins() {
    assertThat(Json.parse("{\"a\":1,\"a\":2}")).isEqualTo(Map.of("a", new BigDecimal("2")));
  }

  @Test
  void decodesAllSimpleEscapes() {
    assertThat(Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"")).isEqualTo("\"\\/\b\f\n\r\t");
  }

  @Test
  void decodesUnicodeEscapesIncludingSurrogatePairs() {
    assertThat(Json.parse("\"\\u0041\\u00e9\\u00E9\\u20AC\"")).isEqualTo("Aéé€");
    String emoji = (String) Json.parse("\"\\uD83D\\uDE00\"");
    assertThat(emoji).isEqualTo("😀");
    assertThat(emoji.codePointAt(0)).isEqualTo(0x1F600);
    assertThat(Json.parse("\"😀\"")).isEqualTo(emoji);
    // An unpaired surrogate is kept rather than rejected, as most parsers do.
    assertThat(Json.parse("\"\\uD83D!\"")).isEqualTo("\uD83D!");
    assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"\\u", "\"\\", "\"abc", "\"a\nb\"", "\"a\tb\"",
      "'a'", "\"\\U0041\""})
  void rejectsBadStrings(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.SyntaxException.class);
  }

  @Test
  void numbersCompareByValue() {
    assertThat(Json.parse("1.0")).isEqualTo(Json.parse("1.00")).isEqualTo(Json.parse("1"));
    assertThat(Json.parse("1e2")).isEqualTo(Json.parse("100")).isEqualTo(Json.parse("1E+2")).isEqualTo(Json.parse("0.1e3"));
    assertThat(Json.parse("-0")).isEqualTo(Json.parse("0.0")).isEqualTo(Json.parse("0e10"));
    assertThat(Json.parse("[1.50]")).isEqualTo(Json.parse("[1.5]"));
    assertThat(Json.parse("1.5")).isNotEqualTo(Json.parse("1.05"));
    assertThat(Json.parse("-12.5e-1")).isEqualTo(new BigDecimal("-1.25"));
    assertThat(Json.parse("123456789012345678901234567890"))
        .isNotEqualTo(Json.parse("123456789012345678901234567891"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1.e3",
      "--1", "١"})
  void rejectsBadNumbers(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.SyntaxException.class);
  }

  @Test
  void rejectsNumbersThatWouldCostTooMuchOrDoNotFit() {
    String longNumber = "1" + "0".repeat(Json.MAX_NUMBER_LENGTH);
    assertThatThrownBy(() -> Json.parse(longNumber)).isInstanceOf(Json.SyntaxException.class)
        .hasMessageContaining("longer than 1000");
    assertThat(Json.parse("1" + "0".repeat(Json.MAX_NUMBER_LENGTH - 1))).isInstanceOf(BigDecimal.class);
    assertThatThrownBy(() -> Json.parse("1e99999999999")).isInstanceOf(Json.SyntaxException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> Json.parse("100e2147483647")).isInstanceOf(Json.SyntaxException.class);
    assertThatThrownBy(() -> Json.parse("1e-2147483648")).isInstanceOf(Json.SyntaxException.class);
    assertThat(Json.parse("1e999999999")).isEqualTo(Json.parse("10e999999998"));
  }

  @Test
  void acceptsNestingUpToTheLimit() {
    String deep = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Object value = Json.parse(deep);
    int depth = 0;
    while (value instanceof List<?> list && depth < 1000) {
      depth++;
      value = list.isEmpty() ? null : list.get(0);
    }
    assertThat(depth).isEqualTo(Json.MAX_DEPTH);
  }

  @Test
  void rejectsDeeperNestingCleanly() {
    String tooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.parse(tooDeep)).isInstanceOf(Json.SyntaxException.class)
        .hasMessageContaining("nesting deeper than 512");
    String objects = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
    assertThatThrownBy(() -> Json.parse(objects)).isInstanceOf(Json.SyntaxException.class);
    // Far deeper than any stack would allow: still a syntax error, not a StackOverflowError.
    assertThatThrownBy(() -> Json.parse("[".repeat(1_000_000))).isInstanceOf(Json.SyntaxException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} x", "1 2", "[1]]", "truex", "nul", "{}{}", "\"a\"\"b\"", "null,"})
  void rejectsTrailingGarbage(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.SyntaxException.class);
  }

  @Test
  void acceptsTrailingWhitespace() {
    assertThat(Json.parse("[true] \n\t\r ")).isEqualTo(List.of(true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{1:1}", "[1 2]", "{\"a\":}",
      "[", "{", "{\"a\"", "]", "\u00a0[]", "[]\u00a0", "\uFEFF[]", "True", "[1;2]"})
  void rejectsMalformedDocuments(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.SyntaxException.class);
  }

  @Test
  void errorsSayWhere() {
    assertThatThrownBy(() -> Json.parse("[1, x]")).hasMessage("unexpected character 'x' at offset 4");
    assertThatThrownBy(() -> Json.parse("[1")).hasMessage("expected ']' at offset 2");
  }

  @Test
  void longArraysDoNotRecurse() {
    List<Object> expected = new ArrayList<>();
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < 10_000; i++) {
      text.append(i == 0 ? "" : ",").append(i);
      expected.add(new BigDecimal(i).stripTrailingZeros());
    }
    assertThat(Json.parse(text.append(']').toString())).isEqualTo(expected);
  }
}

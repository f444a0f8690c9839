package io.handover.comparators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPointerTest {

  @Test
  void splitsAndUnescapesTokens() {
    assertThat(JsonPointer.parse("").tokens()).isEmpty();
    assertThat(JsonPointer.parse("/").tokens()).containsExactly("");
    assertThat(JsonPointer.parse("/items/0/id").tokens()).containsExactly("items", "0", "id");
    assertThat(JsonPointer.parse("/a~1b/m~0n/~01").tokens()).containsExactly("a/b", "m~n", "~1");
    assertThat(JsonPointer.parse("/a//b").tokens()).containsExactly("a", "", "b");
  }

  @Test
  void rejectsBadPointers() {
    assertThatThrownBy(() -> JsonPointer.parse("timestamp")).hasMessage("must be empty or start with \"/\"");
    assertThatThrownBy(() -> JsonPointer.parse("/a~2")).hasMessage("has a \"~\" not followed by 0 or 1");
    assertThatThrownBy(() -> JsonPointer.parse("/a~")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removesMembersAndBlanksElements() {
    Object doc = Json.parse("{\"a\":{\"b\":1,\"c\":2},\"items\":[{\"id\":1},{\"id\":2},3]}");
    JsonPointer.parse("/a/b").removeFrom(doc);
    JsonPointer.parse("/items/0/id").removeFrom(doc);
    JsonPointer.parse("/items/1").removeFrom(doc);
    assertThat(doc).isEqualTo(Map.of(
        "a", Map.of("c", new BigDecimal("2")),
        "items", Arrays.asList(Map.of(), JsonPointer.IGNORED, new BigDecimal("3"))));
  }

  @Test
  void missingPartsAndNonIndexTokensAreLeftAlone() {
    String text = "{\"a\":[1,2],\"b\":\"x\",\"c\":null}";
    for (String pointer : List.of("/z", "/z/y", "/a/2", "/a/-", "/a/01", "/a/x", "/a/+1", "/b/0", "/c/d",
        "/a/99999999999")) {
      Object doc = Json.parse(text);
      assertThat(JsonPointer.parse(pointer).removeFrom(doc)).as(pointer).isEqualTo(Json.parse(text));
    }
  }

  @Test
  void rootPointerIgnoresTheWholeDocument() {
    assertThat(JsonPointer.parse("").removeFrom(Json.parse("[1]"))).isSameAs(JsonPointer.IGNORED);
  }

  @Test
  void escapeReversesParse() {
    assertThat(JsonPointer.parse("/" + JsonPointer.escape("a/~b")).tokens()).containsExactly("a/~b");
  }
}

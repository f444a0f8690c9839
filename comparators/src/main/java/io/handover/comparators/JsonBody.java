package io.handover.comparators;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;

/**
 * Reads a response body as a JSON tree and takes out the parts a comparison ignores.
 *
 * <p>Floating-point numbers are read as {@code BigDecimal}, so no digit is lost. A body that could
 * cost too much is not read: nesting deeper than {@value #MAX_DEPTH} (the tree is walked
 * recursively), numbers longer than {@value #MAX_NUMBER_LENGTH} characters (turning those into
 * {@code BigDecimal} is quadratic) and strings longer than {@value #MAX_STRING_LENGTH} characters.
 * Thread-safe.
 */
final class JsonBody {

  static final int MAX_DEPTH = 512;
  static final int MAX_NUMBER_LENGTH = 1000;
  static final int MAX_STRING_LENGTH = 20_000_000;

  /**
   * Takes the place of an ignored array element, so that the elements after it keep their indices.
   * A parsed document never holds it, and both documents get the same one.
   */
  static final JsonNode IGNORED = MissingNode.getInstance();

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
              .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(MAX_STRING_LENGTH).build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private JsonBody() {}

  /** The body as a mutable tree, or null when it is not UTF-8 JSON or exceeds a limit. */
  static JsonNode parse(ByteBuffer body) {
    // A decoder (not a charset) reports malformed UTF-8 instead of replacing it.
    try (Reader reader = new InputStreamReader(new ByteBufferBackedInputStream(body), UTF_8.newDecoder())) {
      JsonNode tree = MAPPER.readTree(reader);
      return tree.isMissingNode() ? null : tree;
    } catch (IOException | NumberFormatException e) {
      // Jackson reports an exponent that BigDecimal cannot hold by a NumberFormatException.
      return null;
    }
  }

  /**
   * Takes the part a pointer names out of a document: an object member is removed, an array element
   * replaced by {@link #IGNORED}. Nothing happens when the part does not exist.
   *
   * @return the document, or {@link #IGNORED} when the pointer names the whole document
   */
  static JsonNode remove(JsonNode document, JsonPointer pointer) {
    if (pointer.matches()) {
      return IGNORED;
    }
    JsonNode parent = document.at(pointer.head());
    JsonPointer last = pointer.last();
    if (parent instanceof ObjectNode members) {
      members.remove(last.getMatchingProperty());
    } else if (parent instanceof ArrayNode elements && last.getMatchingIndex() >= 0
        && last.getMatchingIndex() < elements.size()) {
      elements.set(last.getMatchingIndex(), IGNORED);
    }
    return document;
  }
}

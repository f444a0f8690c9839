package io.handover.comparators;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) parser into plain Java values: {@code Map<String, Object>} in
 * member order, {@code List<Object>}, {@code String}, {@code BigDecimal}, {@code Boolean} and
 * {@code null}.
 *
 * <p>Numbers have their trailing zeros stripped, so values that are numerically equal are equal
 * objects ({@code 1}, {@code 1.0} and {@code 1.00} alike). When a name repeats in an object the
 * last member wins. Unpaired surrogate escapes are kept as they are. The maps and lists are
 * mutable so that ignored members can be taken out after parsing.
 *
 * <p>Input that could cost too much is rejected rather than parsed: nesting deeper than
 * {@value #MAX_DEPTH} (so parsing cannot overflow the stack) and numbers longer than
 * {@value #MAX_NUMBER_LENGTH} characters (turning those into {@code BigDecimal} is quadratic).
 */
final class Json {

  static final int MAX_DEPTH = 512;
  static final int MAX_NUMBER_LENGTH = 1000;

  /** The text is not JSON, or exceeds a limit. */
  static final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses a whole JSON text; only whitespace may follow the value.
   *
   * @throws SyntaxException when the text is not JSON or exceeds a limit
   */
  static Object parse(String text) {
    Json parser = new Json(text);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected text after the value");
    }
    return value;
  }

  private Object value(int depth) {
    int c = peek();
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || isDigit(c)) {
          return number();
        }
        throw error(c < 0 ? "unexpected end of input" : "unexpected character '" + (char) c + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    checkDepth(depth);
    pos++;
    Map<String, Object> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String name = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      members.put(name, value(depth));
      skipWhitespace();
      if (peek() != ',') {
        expect('}');
        return members;
      }
      pos++;
    }
  }

  private List<Object> array(int depth) {
    checkDepth(depth);
    pos++;
    List<Object> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return elements;
    }
    while (true) {
      skipWhitespace();
      elements.add(value(depth));
      skipWhitespace();
      if (peek() != ',') {
        expect(']');
        return elements;
      }
      pos++;
    }
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      int c = peek();
      if (c < 0) {
        throw error("unterminated string");
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      pos++;
      if (c == '"') {
        return out.toString();
      }
      out.append(c == '\\' ? escape() : (char) c);
    }
  }

  private char escape() {
    int c = peek();
    pos++;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        // A surrogate pair arrives as two escapes; appending both halves forms the code point.
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = hexValue(peek());
          if (digit < 0) {
            throw error("invalid \\u escape");
          }
          code = code * 16 + digit;
          pos++;
        }
        return (char) code;
      default:
        pos--;
        throw error(c < 0 ? "unterminated string" : "invalid escape '\\" + (char) c + "'");
    }
  }

  private BigDecimal number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (peek() == '.') {
      pos++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
    if (pos - start > MAX_NUMBER_LENGTH) {
      pos = start;
      throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
    }
    try {
      return new BigDecimal(text.substring(start, pos)).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException e) {
      // The exponent does not fit BigDecimal's int scale.
      pos = start;
      throw error("number out of range");
    }
  }

  /** One or more ASCII digits; Character.isDigit would also accept other scripts' digits. */
  private void digits() {
    if (!isDigit(peek())) {
      throw error("expected a digit");
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character '" + text.charAt(pos) + "'");
    }
    pos += word.length();
    return value;
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipWhitespace() {
    while (true) {
      int c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** The current character, or -1 at the end. */
  private int peek() {
    return pos < text.length() ? text.charAt(pos) : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static int hexValue(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private SyntaxException error(String message) {
    return new SyntaxException(message + " at offset " + pos);
  }
}

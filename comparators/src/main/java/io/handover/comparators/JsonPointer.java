package io.handover.comparators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An RFC 6901 JSON pointer naming a part of a {@link Json} document that is to be ignored. */
final class JsonPointer {

  /**
   * Takes the place of an ignored array element, so that the elements after it keep their
   * indices. Both documents get the same marker, so it compares equal to itself.
   */
  static final Object IGNORED = new Object() {
    @Override
    public String toString() {
      return "(ignored)";
    }
  };

  private final String text;
  private final List<String> tokens;

  private JsonPointer(String text, List<String> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /**
   * Parses a pointer: empty (the whole document) or {@code /}-separated reference tokens in which
   * {@code ~1} stands for {@code /} and {@code ~0} for {@code ~}.
   *
   * @throws IllegalArgumentException saying what is wrong, phrased to follow the pointer's text
   */
  static JsonPointer parse(String text) {
    if (text.isEmpty()) {
      return new JsonPointer(text, List.of());
    }
    if (text.charAt(0) != '/') {
      throw new IllegalArgumentException("must be empty or start with \"/\"");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '/') {
        tokens.add(token.toString());
        token.setLength(0);
      } else if (c == '~') {
        char next = i + 1 < text.length() ? text.charAt(++i) : ' ';
        if (next != '0' && next != '1') {
          throw new IllegalArgumentException("has a \"~\" not followed by 0 or 1");
        }
        token.append(next == '0' ? '~' : '/');
      } else {
        token.append(c);
      }
    }
    tokens.add(token.toString());
    return new JsonPointer(text, List.copyOf(tokens));
  }

  /** The unescaped reference tokens; empty for the whole document. */
  List<String> tokens() {
    return tokens;
  }

  /**
   * Takes the part this pointer names out of a mutable document: an object member is removed, an
   * array element replaced by {@link #IGNORED}. Nothing happens when the part does not exist.
   *
   * @return the document, or {@link #IGNORED} when the pointer names the whole document
   */
  Object removeFrom(Object document) {
    if (tokens.isEmpty()) {
      return IGNORED;
    }
    Object parent = document;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, token);
    }
    String last = tokens.get(tokens.size() - 1);
    if (parent instanceof Map<?, ?> members) {
      members.remove(last);
    } else if (parent instanceof List<?> elements) {
      int index = index(last, elements.size());
      if (index >= 0) {
        replaceWithIgnored(elements, index);
      }
    }
    return document;
  }

  @SuppressWarnings("unchecked")
  private static void replaceWithIgnored(List<?> elements, int index) {
    ((List<Object>) elements).set(index, IGNORED);
  }

  /** A member or element of a node, or null when there is none. */
  private static Object child(Object node, String token) {
    if (node instanceof Map<?, ?> members) {
      return members.get(token);
    }
    if (node instanceof List<?> elements) {
      int index = index(token, elements.size());
      return index < 0 ? null : elements.get(index);
    }
    return null;
  }

  /** The array index a token names, or -1: RFC 6901 allows only digits without leading zeros. */
  private static int index(String token, int size) {
    if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return -1;
      }
    }
    int index = Integer.parseInt(token);
    return index < size ? index : -1;
  }

  /** Escapes a member name as a reference token. */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  @Override
  public String toString() {
    return text;
  }
}

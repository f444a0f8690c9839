package io.handover.engine.json;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The engine's one JSON mapper, for the admin API, the config file, the state file and the CLI,
 * and the binding of input onto records with errors that name the field. Input is bounded so that
 * no document can burn CPU or memory: numbers of at most 100 characters, nesting at most 64 deep,
 * strings of at most 1 MB; unknown keys are errors; a number is never silently turned into text,
 * a fraction never into a whole number. Numbers are read exactly, so that version {@code 1.10}
 * stays {@code 1.10}. Thread-safe.
 */
public final class Json {

  public static final int MAX_NUMBER_LENGTH = 100;

  public static final ObjectMapper MAPPER = mapper();

  private Json() {}

  private static ObjectMapper mapper() {
    JsonMapper mapper = JsonMapper.builder(new JsonFactoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxNestingDepth(64)
                .maxStringLength(1_000_000)
                .maxNameLength(1_000)
                .build())
            .build())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .addModule(new SimpleModule("strict-keys").setDeserializerModifier(new StrictKeys.Modifier()))
        .build();
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    return mapper;
  }

  /** Binds {@code json} onto {@code type}; null for a JSON {@code null}. */
  public static <T> T read(byte[] json, Class<T> type) {
    return read(json, MAPPER.constructType(type));
  }

  /** Binds {@code json} onto {@code type}; null for a JSON {@code null}. */
  public static <T> T read(byte[] json, TypeReference<T> type) {
    return read(json, MAPPER.constructType(type));
  }

  private static <T> T read(byte[] json, JavaType type) {
    JsonParser parser = null;
    try (JsonParser p = MAPPER.createParser(json)) {
      parser = p;
      return MAPPER.readValue(p, type);
    } catch (JsonProcessingException e) {
      throw problem(e, parser == null ? "" : path(parser.getParsingContext()));
    } catch (IOException e) {
      throw JsonInputException.whole("unreadable input: " + e.getMessage());
    }
  }

  /**
   * A whole number in {@code [min, max]}, or {@code fallback} when {@code value} is null; the one
   * range check of every whole number the engine reads.
   */
  public static long whole(Long value, String field, long fallback, long min, long max) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw JsonInputException.of(field, "must be a whole number "
          + (max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max) + ", not " + value);
    }
    return value;
  }

  /** The digits of a JSON number as written, e.g. {@code 1.10}; refuses exponents that would spell out millions of digits. */
  public static String plain(BigDecimal number, String field) {
    if (Math.abs((long) number.scale()) > MAX_NUMBER_LENGTH) {
      throw JsonInputException.of(field, "must have at most " + MAX_NUMBER_LENGTH + " digits");
    }
    return number.toPlainString();
  }

  /** Jackson's error as one with the field's path and a short message. */
  static JsonInputException problem(JsonProcessingException e, String stoppedAt) {
    String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonInputException j) {
        return j.within(path);
      }
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      return JsonInputException.raw(path, path + ": unknown key; known: " + known);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return path.isEmpty()
          ? JsonInputException.whole("the input must hold a JSON " + (isArray(m.getTargetType()) ? "array" : "object"))
          : JsonInputException.of(path, "must be " + expected(m.getTargetType()));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException || t instanceof InputCoercionException) {
        String what = ((JsonProcessingException) t).getOriginalMessage();
        path = path.isEmpty() ? stoppedAt : path;
        return path.isEmpty() ? JsonInputException.whole("too large: " + what) : JsonInputException.of(path, "is too large: " + what);
      }
    }
    if (path.isEmpty() && !(e instanceof JsonMappingException)) {
      JsonLocation at = e.getLocation();
      return JsonInputException.whole("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
          + ": " + e.getOriginalMessage());
    }
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return JsonInputException.of(path, "is not valid: " + (cause == e ? e.getOriginalMessage() : cause.getMessage()));
  }

  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** Where the parser stopped, for errors raised before any record could add its path. */
  private static String path(JsonStreamContext context) {
    String path = "";
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        path = "[" + c.getCurrentIndex() + "]" + path;
      } else if (c.getCurrentName() != null) {
        path = c.getCurrentName() + (path.isEmpty() || path.startsWith("[") ? "" : ".") + path;
      }
    }
    return path;
  }

  private static boolean isArray(Class<?> type) {
    return type.isArray() || Collection.class.isAssignableFrom(type);
  }

  private static String expected(Class<?> type) {
    if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    return isArray(type) ? "an array" : Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "a JSON value";
  }
}

package io.handover.engine.json;

import static java.util.Objects.requireNonNull;

/**
 * JSON input that cannot be accepted, with the path of the offending field, e.g.
 * {@code cluster.servers[0].port}. The message starts with that path. Thrown by the records that
 * JSON is bound onto, with the field relative to the record; {@link Json#read} prefixes the path of
 * the record.
 */
public class JsonInputException extends RuntimeException {

  private final String field;
  private final String problem;

  private JsonInputException(String field, String problem, String message) {
    super(message);
    this.field = requireNonNull(field, "field is null");
    this.problem = requireNonNull(problem, "problem is null");
  }

  /** {@code field} is wrong: the message is {@code "<field> <problem>"}, e.g. {@code "port must be a whole number"}. */
  public static JsonInputException of(String field, String problem) {
    return new JsonInputException(field, problem, field.isEmpty() ? problem : field + " " + problem);
  }

  /** A problem whose message is already complete and names {@code field}. */
  static JsonInputException raw(String field, String message) {
    return new JsonInputException(field, message, message);
  }

  /** The input as a whole is wrong: no field, the message is {@code message}. */
  public static JsonInputException whole(String message) {
    return new JsonInputException("", message, message);
  }

  /** The same problem seen from the object at {@code prefix} that holds this field. */
  public JsonInputException within(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    String path = field.isEmpty() ? prefix : field.startsWith("[") ? prefix + field : prefix + "." + field;
    return of(path, problem);
  }

  /** The offending field's path; empty when the input as a whole is wrong. */
  public String field() {
    return field;
  }
}

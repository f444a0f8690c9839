package io.handover.engine.admin;

import static java.util.Objects.requireNonNull;

/** Input that cannot be accepted, with the path of the offending field (e.g. {@code cluster.servers[0].port}). */
public class BadRequestException extends RuntimeException {

  private final String field;

  public BadRequestException(String field, String message) {
    super(requireNonNull(message, "message is null"));
    this.field = requireNonNull(field, "field is null");
  }

  /** The offending field's path; empty when the input as a whole is wrong. */
  public String field() {
    return field;
  }
}

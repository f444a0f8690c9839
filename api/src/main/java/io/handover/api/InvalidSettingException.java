package io.handover.api;

import static java.util.Objects.requireNonNull;

/**
 * A setting of a strategy or comparator is missing or invalid. The admin API answers {@code 400}
 * with the message and the field's full path, e.g. {@code cluster.upgradeTransition.sessionTimeout}.
 */
public class InvalidSettingException extends IllegalArgumentException {

  private final String field;

  /**
   * @param field the setting's path relative to the settings object, e.g. {@code "sessionTimeout"}
   *     or {@code "steps[1].seconds"}; not null
   * @param message what is wrong, for a person; not null
   */
  public InvalidSettingException(String field, String message) {
    super(requireNonNull(message, "message is null"));
    this.field = requireNonNull(field, "field is null");
  }

  /** The setting's path relative to the settings object. Never null. */
  public String field() {
    return field;
  }
}

package io.handover.engine.config;

/** The config file cannot be used; the message names the file and the problem in one line. */
public class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}

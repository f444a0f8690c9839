package io.handover.engine.plugin;

/** The plugins cannot be loaded as configured; the proxy does not start. */
public class PluginException extends RuntimeException {
  public PluginException(String message) {
    super(message);
  }
}

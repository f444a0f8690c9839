package io.handover.engine.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.handover.engine.json.JsonInputException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The log levels, read and changed at run time through Logback ({@code GET} and
 * {@code PUT /logging/level}). A change holds until the next restart, which takes the levels of
 * {@code conf/logback.xml} again. Thread-safe.
 */
public final class LogLevels {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogLevels.class);

  /** The loggers that have a level of their own, with it; the root logger as {@code ROOT}. */
  public static Map<String, String> configured() {
    Map<String, String> levels = new TreeMap<>();
    LoggerContext context = context();
    for (Logger l : context.getLoggerList()) {
      if (l.getLevel() != null) {
        levels.put(l.getName(), l.getLevel().toString());
      }
    }
    return levels;
  }

  /**
   * Sets a logger's level ({@code null} or {@code ROOT} for the root logger); {@code level} null or
   * {@code INHERIT} makes it follow its parent again. Returns the level now in effect.
   *
   * @throws JsonInputException naming {@code level} when it is not a level
   */
  public static String set(String logger, String level) {
    String name = logger == null || logger.isBlank() ? org.slf4j.Logger.ROOT_LOGGER_NAME : logger;
    Level next = null;
    if (level != null && !level.equalsIgnoreCase("INHERIT")) {
      next = switch (level.toUpperCase(Locale.ROOT)) {
        case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "ALL" -> Level.valueOf(level);
        default -> throw JsonInputException.of("level", "'" + level + "' is not a level; use TRACE, DEBUG, INFO, WARN, ERROR, OFF or INHERIT");
      };
    }
    if (next == null && name.equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      throw JsonInputException.of("level", "the root logger needs a level of its own");
    }
    Logger target = context().getLogger(name);
    Level was = target.getEffectiveLevel();
    target.setLevel(next);
    log.info("log level of {} changed from {} to {}", name, was, target.getEffectiveLevel());
    return target.getEffectiveLevel().toString();
  }

  /**
   * Sets the levels a process starts with when no Logback configuration was found (not
   * {@code conf/logback.xml}, not a {@code logback.xml} on the class path): Logback's own default
   * would log everything at DEBUG.
   */
  public static void defaultsUnlessConfigured(String rootLevel) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    boolean configured = System.getProperty("logback.configurationFile") != null
        || LogLevels.class.getResource("/logback.xml") != null || LogLevels.class.getResource("/logback-test.xml") != null;
    if (!configured) {
      context.getLogger("org.xnio").setLevel(Level.WARN);
      context.getLogger("io.undertow").setLevel(Level.WARN);
      context.getLogger("io.netty").setLevel(Level.WARN);
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
    }
    if (rootLevel != null) {
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(rootLevel, Level.INFO));
    }
  }

  /** Sets one logger's level quietly (for the demo's own needs); ignored without Logback. */
  public static void quietly(String logger, String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(logger).setLevel(Level.toLevel(level, null));
    }
  }

  private static LoggerContext context() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      return context;
    }
    throw new IllegalStateException("the logging backend is " + factory.getClass().getName() + ", not Logback: levels cannot be changed here");
  }
}

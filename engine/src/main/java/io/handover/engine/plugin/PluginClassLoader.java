package io.handover.engine.plugin;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The class loader of one plugin: its own JARs, the JDK, and the engine's {@code io.handover.api}
 * package, nothing else of the engine (so no Undertow, Jackson or engine class).
 */
public final class PluginClassLoader extends URLClassLoader {

  private static final String API_PACKAGE = "io.handover.api.";
  private final ClassLoader engine;

  public PluginClassLoader(String name, URL[] jars, ClassLoader engine) {
    super(name, jars, ClassLoader.getPlatformClassLoader());
    this.engine = engine;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(API_PACKAGE)) {
      return engine.loadClass(name);
    }
    return super.loadClass(name, resolve);
  }

  /** The plugin's JAR file names, for messages. */
  public String jarNames() {
    return Arrays.stream(getURLs())
        .map(u -> u.getPath().substring(u.getPath().lastIndexOf('/') + 1))
        .collect(Collectors.joining(", "));
  }
}

package io.handover.engine.plugin;

import io.handover.api.CookieSigner;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.UpgradeStrategyFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds strategies and comparators with {@link ServiceLoader}. A provider that fails to load is
 * reported by name and skipped; two providers claiming one name stop the start-up with an error
 * naming both.
 */
public final class PluginLoader {

  private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

  private final List<String> problems = new ArrayList<>();

  /**
   * Loads the plugins on the engine's class path, then those in {@code pluginsDir}: each
   * {@code pluginsDir/*.jar} in a class loader of its own, and each {@code pluginsDir/<name>/} folder's
   * JARs together in one.
   *
   * @param pluginsDir the plugins folder, or null for none
   * @throws PluginException when two plugins claim one name
   */
  public static PluginRegistry load(Path pluginsDir, CookieSigner signer, Clock clock) {
    PluginLoader loader = new PluginLoader();
    List<ClassLoader> loaders = new ArrayList<>();
    loaders.add(PluginLoader.class.getClassLoader());
    if (pluginsDir != null) {
      loaders.addAll(loader.pluginLoaders(pluginsDir));
    }
    return loader.load(loaders, signer, clock);
  }

  private List<ClassLoader> pluginLoaders(Path dir) {
    if (!Files.isDirectory(dir)) {
      log.info("no plugins folder at {}; built-in plugins only", dir);
      return List.of();
    }
    List<ClassLoader> loaders = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.sorted().toList();
    } catch (IOException e) {
      problems.add("plugins folder " + dir + ": " + e.getMessage());
      return List.of();
    }
    for (Path entry : entries) {
      List<Path> jars;
      if (Files.isDirectory(entry)) {
        try (Stream<Path> s = Files.list(entry)) {
          jars = s.filter(PluginLoader::isJar).sorted().toList();
        } catch (IOException e) {
          problems.add("plugin folder " + entry.getFileName() + ": " + e.getMessage());
          continue;
        }
      } else if (isJar(entry)) {
        jars = List.of(entry);
      } else {
        continue;
      }
      jars = jars.stream().filter(this::readable).toList();
      if (jars.isEmpty()) {
        continue;
      }
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        try {
          urls[i] = jars.get(i).toUri().toURL();
        } catch (MalformedURLException e) {
          throw new IllegalStateException(e);
        }
      }
      loaders.add(new PluginClassLoader("plugin " + entry.getFileName(), urls, PluginLoader.class.getClassLoader()));
    }
    return loaders;
  }

  /** Whether the JAR opens; one that does not is reported (URLClassLoader would skip it silently). */
  private boolean readable(Path jar) {
    try (JarFile ignored = new JarFile(jar.toFile())) {
      return true;
    } catch (IOException | SecurityException e) {
      problems.add("plugin JAR " + jar.getFileName() + ": not a readable JAR (" + e.getMessage() + ")");
      return false;
    }
  }

  private static boolean isJar(Path p) {
    return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
  }

  PluginRegistry load(List<ClassLoader> loaders, CookieSigner signer, Clock clock) {
    Map<String, PluginRegistry.Plugin<UpgradeStrategyFactory>> strategies = new LinkedHashMap<>();
    Map<String, PluginRegistry.Plugin<ResponseComparatorFactory>> comparators = new LinkedHashMap<>();
    for (ClassLoader cl : loaders) {
      discover(UpgradeStrategyFactory.class, cl, strategies, f -> f.name().toUpperCase(Locale.ROOT), UpgradeStrategyFactory::description);
      discover(ResponseComparatorFactory.class, cl, comparators, f -> f.name().toLowerCase(Locale.ROOT), ResponseComparatorFactory::description);
    }
    problems.forEach(p -> log.error("plugin not loaded: {}", p));
    return new PluginRegistry(strategies, comparators, problems, registry -> new EngineStrategyContext(clock, signer, registry));
  }

  private <T> void discover(
      Class<T> type, ClassLoader cl, Map<String, PluginRegistry.Plugin<T>> into,
      Function<T, String> nameOf, Function<T, String> descriptionOf) {
    Iterator<ServiceLoader.Provider<T>> it = ServiceLoader.load(type, cl).stream().iterator();
    // in ServiceLoader's order, to name the provider whose class failed to load
    List<String> declared = declaredProviders(type, cl);
    int index = 0;
    int errors = 0;
    while (true) {
      ServiceLoader.Provider<T> provider;
      String expected = index < declared.size() ? declared.get(index) : null;
      index++;
      try {
        if (!it.hasNext()) {
          return;
        }
        provider = it.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        // a class for a newer Java, a missing dependency: that provider is skipped, the others load
        String what = e instanceof LinkageError && expected != null ? expected : type.getSimpleName();
        problems.add(what + " from " + describe(cl) + ": " + oneLine(e));
        if (++errors > declared.size()) {
          return;
        }
        continue;
      }
      T factory;
      String name;
      try {
        factory = provider.get();
        name = nameOf.apply(factory);
      } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
        problems.add(provider.type().getName() + " from " + sourceOf(provider.type()) + ": " + oneLine(e));
        continue;
      }
      String source = sourceOf(provider.type());
      if (cl instanceof PluginClassLoader) {
        log.info("plugin {} {} ({}) loaded from {}", type.getSimpleName(), name, provider.type().getName(), source);
      }
      PluginRegistry.Plugin<T> existing = into.get(name);
      if (existing != null) {
        throw new PluginException("two plugins claim the name " + name + ": " + existing.source() + " and " + source);
      }
      into.put(name, new PluginRegistry.Plugin<>(name, factory, source, descriptionOf.apply(factory)));
    }
  }

  static String sourceOf(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    URL url = cs == null ? null : cs.getLocation();
    if (url == null) {
      return "built-in";
    }
    String path = url.getPath();
    int slash = path.replaceAll("/+$", "").lastIndexOf('/');
    return slash >= 0 ? path.substring(slash + 1) : path;
  }

  private static String describe(ClassLoader cl) {
    return cl instanceof PluginClassLoader p ? p.jarNames() : "the class path";
  }

  /** The provider class names the services files visible to {@code cl} declare, in order, without repeats. */
  private static List<String> declaredProviders(Class<?> type, ClassLoader cl) {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (URL url : Collections.list(cl.getResources("META-INF/services/" + type.getName()))) {
        try (InputStream in = url.openStream()) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      // ServiceLoader reports the same failure itself
    }
    return List.copyOf(names);
  }

  /** The error's class and root message on one line: a LinkageError's class says most of what went wrong. */
  private static String oneLine(Throwable e) {
    String message = e instanceof LinkageError ? e.getClass().getSimpleName() + ": " + e.getMessage() : rootMessage(e);
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return t == e ? String.valueOf(msg) : e.getMessage() + " (" + t.getClass().getSimpleName() + ": " + msg + ")";
  }
}

package io.handover.engine.plugin;

import io.handover.api.UpgradeStrategyFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Builds plugin JARs at test time, the way a plugin author would: the sources are compiled against
 * the {@code io.handover.api} classes alone, so a plugin that reached for an engine class would not
 * even compile.
 */
public final class PluginTestJars {

  private static final String STRATEGY_SERVICES = "META-INF/services/" + UpgradeStrategyFactory.class.getName();

  private PluginTestJars() {}

  /** The dark-launch example, built from the documented source in {@code docs/examples/dark-launch/}. */
  public static Path darkLaunch(Path jar) {
    return fromResources("dark-launch", jar);
  }

  /** The example plugin folder {@code docs/examples/<name>/} of this repository. */
  public static Path resourceFolder(String name) {
    try {
      Path dir = Path.of(PluginTestJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve("docs/examples").resolve(name);
        if (Files.isDirectory(candidate)) {
          return candidate;
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no docs/examples/" + name + " above the test classes");
  }

  /**
   * Compiles the {@code .java} files under {@code docs/examples/<name>/} and writes them,
   * with every other file there (the services file), to {@code jar}.
   */
  public static Path fromResources(String name, Path jar) {
    Path root = resourceFolder(name);
    Map<String, String> sources = new TreeMap<>();
    Map<String, String> resources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (relative.endsWith(".java")) {
          sources.put(relative.substring(0, relative.length() - ".java".length()).replace('/', '.'), text);
        } else {
          resources.put(relative, text);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return build(jar, sources, resources);
  }

  /**
   * Compiles {@code sources} (binary class name to source text) against the api classes and
   * {@code classPath}, and writes the classes and {@code resources} (path in the JAR to text) to
   * {@code jar}, creating its folder.
   */
  public static Path build(Path jar, Map<String, String> sources, Map<String, String> resources, Path... classPath) {
    try {
      Path classes = Files.createTempDirectory("plugin-classes");
      try {
        if (!sources.isEmpty()) {
          compile(sources, classes, classPath);
        }
        writeJar(jar, classes, resources);
      } finally {
        deleteTree(classes);
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plugin whose factory for {@code mode} sends every request to the newest version. */
  public static Path strategy(Path jar, String className, String mode) {
    int dot = className.lastIndexOf('.');
    String source = """
        package %s;

        import io.handover.api.*;

        public final class %s implements UpgradeStrategyFactory {
          public String name() { return "%s"; }
          public UpgradeStrategy create(Settings settings, StrategyContext context) {
            return (request, versions) -> RoutingDecision.to(versions.active().get(0));
          }
        }
        """.formatted(className.substring(0, dot), className.substring(dot + 1), mode);
    return build(jar, Map.of(className, source), Map.of(STRATEGY_SERVICES, className + "\n"));
  }

  /**
   * The {@link #strategy} plugin with the class-file version of every class set to {@code major}
   * (bytes 6 and 7), as if compiled for a newer Java: loading it fails with
   * {@link UnsupportedClassVersionError}.
   */
  public static Path newerClassVersion(Path jar, String className, String mode, int major) {
    strategy(jar, className, mode);
    try {
      Map<String, byte[]> entries = new TreeMap<>();
      try (JarFile in = new JarFile(jar.toFile())) {
        for (JarEntry e : Collections.list(in.entries())) {
          if (!e.getName().equals(JarFile.MANIFEST_NAME) && !e.isDirectory()) {
            byte[] bytes = in.getInputStream(e).readAllBytes();
            if (e.getName().endsWith(".class")) {
              bytes[6] = (byte) (major >> 8);
              bytes[7] = (byte) major;
            }
            entries.put(e.getName(), bytes);
          }
        }
      }
      writeEntries(jar, entries);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A plugin whose factory extends a class of a library it was compiled against but that is not
   * shipped with it: loading it fails with {@link NoClassDefFoundError}.
   */
  public static Path missingDependency(Path jar) {
    try {
      Path libDir = Files.createTempDirectory("plugin-lib");
      try {
        Path lib = build(libDir.resolve("lib.jar"), Map.of("example.lib.Base", """
            package example.lib;

            public abstract class Base {}
            """), Map.of());
        String source = """
            package example.nodep;

            import io.handover.api.*;

            public final class NeedsLibFactory extends example.lib.Base implements UpgradeStrategyFactory {
              public String name() { return "NEEDS_LIB"; }
              public UpgradeStrategy create(Settings settings, StrategyContext context) {
                return (request, versions) -> RoutingDecision.to(versions.active().get(0));
              }
            }
            """;
        return build(jar, Map.of("example.nodep.NeedsLibFactory", source),
            Map.of(STRATEGY_SERVICES, "example.nodep.NeedsLibFactory\n"), lib);
      } finally {
        deleteTree(libDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random bytes under a {@code .jar} name. */
  public static Path corrupt(Path jar) {
    byte[] bytes = new byte[4096];
    new Random(7).nextBytes(bytes);
    try {
      Files.createDirectories(jar.toAbsolutePath().getParent());
      return Files.write(jar, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JAR whose services file names {@code missingClass}, which the JAR does not contain. */
  public static Path missingProvider(Path jar, String missingClass) {
    return build(jar, Map.of(), Map.of(STRATEGY_SERVICES, missingClass + "\n"));
  }

  /** A plugin whose factory's constructor throws an IllegalStateException with {@code message}. */
  public static Path throwingProvider(Path jar, String message) {
    String source = """
        package example.throwing;

        import io.handover.api.*;

        public final class ThrowingFactory implements UpgradeStrategyFactory {
          public ThrowingFactory() {
            throw new IllegalStateException("%s");
          }
          public String name() { return "THROWING"; }
          public UpgradeStrategy create(Settings settings, StrategyContext context) {
            throw new AssertionError("never created");
          }
        }
        """.formatted(message);
    return build(jar, Map.of("example.throwing.ThrowingFactory", source),
        Map.of(STRATEGY_SERVICES, "example.throwing.ThrowingFactory\n"));
  }

  /**
   * A two-JAR plugin in {@code folder}: {@code lib.jar} holds a helper that tries
   * {@code Class.forName} with a given loader, and {@code x.jar} the mode {@code PROBE}, built against
   * the helper, whose {@code description()} reports what its own class loader can see:
   * {@code "undertow-<v> jackson-<v> engine-<v> api-<v>"}, each {@code <v>} being {@code visible},
   * {@code hidden} (ClassNotFoundException) or {@code error}. Its strategies report in
   * {@code status()} whether the thread's context class loader was the plugin's during
   * {@code create}.
   */
  public static Path visibilityProbe(Path folder) {
    String helper = """
        package example.probe.lib;

        public final class Visibility {
          private Visibility() {}

          public static String of(String className, ClassLoader loader) {
            try {
              Class.forName(className, false, loader);
              return "visible";
            } catch (ClassNotFoundException e) {
              return "hidden";
            } catch (LinkageError e) {
              return "error";
            }
          }
        }
        """;
    Path lib = build(folder.resolve("lib.jar"), Map.of("example.probe.lib.Visibility", helper), Map.of());
    String factory = """
        package example.probe;

        import example.probe.lib.Visibility;
        import io.handover.api.*;
        import java.util.Map;
import java.util.Random;

        public final class ProbeStrategyFactory implements UpgradeStrategyFactory {
          public String name() { return "PROBE"; }

          public String description() {
            ClassLoader own = ProbeStrategyFactory.class.getClassLoader();
            return "undertow-" + Visibility.of("io.undertow.server.HttpHandler", own)
                + " jackson-" + Visibility.of("com.fasterxml.jackson.databind.ObjectMapper", own)
                + " engine-" + Visibility.of("io.handover.engine.Handover", own)
                + " api-" + Visibility.of("io.handover.api.Settings", own);
          }

          public UpgradeStrategy create(Settings settings, StrategyContext context) {
            boolean own = Thread.currentThread().getContextClassLoader() == ProbeStrategyFactory.class.getClassLoader();
            return new UpgradeStrategy() {
              public RoutingDecision decide(RequestView request, VersionSet versions) {
                return RoutingDecision.to(versions.active().get(0));
              }

              public Map<String, Object> status() {
                return Map.of("contextLoaderWasPlugin", own);
              }
            };
          }
        }
        """;
    build(folder.resolve("x.jar"), Map.of("example.probe.ProbeStrategyFactory", factory),
        Map.of(STRATEGY_SERVICES, "example.probe.ProbeStrategyFactory\n"), lib);
    return folder;
  }

  private static void compile(Map<String, String> sources, Path classes, Path... extraClassPath) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("no Java compiler: the tests need a JDK, not a JRE");
    }
    List<Path> classPath = new ArrayList<>();
    classPath.add(apiClasses());
    classPath.addAll(List.of(extraClassPath));
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, text) -> units.add(new Source(name, text)));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      boolean ok = compiler.getTask(null, files, diagnostics, List.of("--release", "17", "-proc:none"), null, units).call();
      if (!ok) {
        throw new IllegalStateException("the plugin does not compile:\n" + diagnostics.getDiagnostics().stream()
            .map(d -> d.getSource() == null ? d.getMessage(Locale.ROOT)
                : d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
            .collect(Collectors.joining("\n")));
      }
    }
  }

  /** Where {@code io.handover.api} was loaded from: its JAR, or its classes folder in a build. */
  static Path apiClasses() {
    try {
      return Path.of(UpgradeStrategyFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeJar(Path jar, Path classes, Map<String, String> resources) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        entries.put(classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
    resources.forEach((path, text) -> entries.put(path, text.getBytes(StandardCharsets.UTF_8)));
    writeEntries(jar, entries);
  }

  private static void writeEntries(Path jar, Map<String, byte[]> entries) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Files.createDirectories(jar.toAbsolutePath().getParent());
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }


  /** A source file held in memory. */
  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String className, String text) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}

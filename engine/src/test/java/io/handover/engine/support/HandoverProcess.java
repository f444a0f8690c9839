package io.handover.engine.support;

import io.handover.engine.cli.HandoverCli;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code handover} command in a JVM of its own, on this test's classpath, with every line it
 * logs kept: for what only a separate process shows (a SIGKILL, the log as an operator reads it).
 * The ports are read from its "proxy listening" line, so the config may ask for port 0.
 */
public final class HandoverProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("proxy listening on [^:]*:(\\d+), admin API on [^:]*:(\\d+)");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<int[]> ports = new CompletableFuture<>();
  private final Thread reader;

  private HandoverProcess(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "handover-process-log");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code handover run --config-file CONFIG} with more arguments (e.g. {@code --takeover})
   * as {@code bin/handover} starts it (its listeners may carry SO_REUSEPORT), without waiting.
   */
  public static HandoverProcess run(Path config, String... more) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launch());
    command.add(1, "--add-exports");
    command.add(2, "java.base/sun.nio.ch=ALL-UNNAMED");
    command.addAll(List.of("run", "--config-file", config.toString()));
    command.addAll(List.of(more));
    return new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits until a line contains {@code needle}; fails when the process ends first or after 60 s. */
  public void awaitLine(String needle) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        if (line.contains(needle)) {
          return;
        }
      }
      if (!process.isAlive()) {
        reader.join(5_000);
        if (lines.stream().anyMatch(l -> l.contains(needle))) {
          return;
        }
        throw new AssertionError("the process ended (" + process.exitValue() + ") without '" + needle + "': " + lines);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no '" + needle + "' within 60 s: " + lines);
  }

  public Process process() {
    return process;
  }

  /** Sends SIGTERM (through the handle: {@link Process#destroy} would also close the output pipe). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits up to {@code seconds} for the exit and for its last lines; returns its code, or fails. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + seconds + " s: " + lines);
    }
    reader.join(5_000);
    return process.exitValue();
  }

  /** Starts {@code handover -configFile=CONFIG -logLevel=INFO} and waits until it listens. */
  public static HandoverProcess start(Path config) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launch());
    command.addAll(List.of("-configFile=" + config, "-logLevel=INFO"));
    HandoverProcess p = new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    try {
      p.ports.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.kill();
      throw new AssertionError("handover did not start: " + p.lines, e);
    }
    return p;
  }

  private static List<String> launch;

  /**
   * The java command up to the arguments. The first call archives the classes a start loads
   * (class data sharing, which takes JARs only, so class folders are put in JARs first): later
   * starts take about half as long, which counts in a test that starts fifty processes.
   */
  private static synchronized List<String> launch() throws IOException, InterruptedException {
    if (launch != null) {
      return launch;
    }
    List<String> base = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // quick to start and small: the process lives for a moment
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k", "-Xlog:disable");
    Path work = Files.createTempDirectory("handover-process");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temporary folder left behind
      }
    }, "handover-process-cleanup"));
    List<String> classpath = new ArrayList<>();
    int folders = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = work.resolve("classes-" + folders++ + ".jar");
        jar(path, jar);
        classpath.add(jar.toString());
      } else if (Files.exists(path)) {
        classpath.add(entry);
      }
    }
    String cp = String.join(File.pathSeparator, classpath);
    Path archive = work.resolve("classes.jsa");
    Path config = Files.writeString(work.resolve("handover.json"),
        "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":0}}");
    List<String> training = new ArrayList<>(base);
    training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", cp, HandoverCli.class.getName(),
        "-configFile=" + config, "-logLevel=INFO"));
    launch = training.subList(0, training.size() - 2);
    try {
      start(config).close();
    } finally {
      List<String> command = new ArrayList<>(base);
      if (Files.exists(archive)) {
        command.add("-XX:SharedArchiveFile=" + archive);
      }
      command.addAll(List.of("-cp", cp, HandoverCli.class.getName()));
      launch = List.copyOf(command);
    }
    return launch;
  }

  private static void jar(Path folder, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
      }
    } catch (IOException ended) {
      // the process is gone
    }
    ports.completeExceptionally(new IllegalStateException("the process ended"));
  }

  public int proxyPort() {
    return ports.join()[0];
  }

  public int adminPort() {
    return ports.join()[1];
  }

  /** Every line the process printed so far. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed by the process itself. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the killed process did not end");
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}

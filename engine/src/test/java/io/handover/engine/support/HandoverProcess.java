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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code handover} command in a process of its own, started as {@code bin/handover} starts it
 * (the platform's selector provider reachable, so its listeners have SO_REUSEPORT), its output
 * kept: for what only a separate process shows (a SIGTERM or SIGKILL, a self-upgrade, the log as an
 * operator reads it). {@link #start} waits until it listens and reads its ports from the
 * "proxy listening" line, so the config may ask for port 0.
 */
public final class HandoverProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("proxy listening on [^:]*:(\\d+), admin API on [^:]*:(\\d+)");
  private static final List<String> JVM = List.of("--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx256m");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<int[]> ports = new CompletableFuture<>();
  private final Thread reader;

  private HandoverProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      ports.completeExceptionally(new IllegalStateException("the process ended"));
    }, "handover-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code handover run --config-file config} with more arguments, e.g. {@code --takeover}. */
  public static HandoverProcess run(Path config, String... more) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(JVM);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), HandoverCli.class.getName(),
        "run", "--config-file", config.toString()));
    command.addAll(List.of(more));
    return new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * Starts {@code handover -configFile=CONFIG -logLevel=INFO}, quick to start and small (it may be
   * one of fifty in a test), and waits until it listens.
   */
  public static HandoverProcess start(Path config) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(launch());
    command.addAll(List.of("-configFile=" + config, "-logLevel=INFO"));
    HandoverProcess p = new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    try {
      p.ports.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      p.kill();
      throw new AssertionError("handover did not start: " + p.output, e);
    }
    return p;
  }

  private static List<String> launch;

  /**
   * The java command up to the arguments. The first call archives the classes a start loads
   * (class data sharing, which takes JARs only, so class folders are put in JARs first): later
   * starts take about 40 % less.
   */
  private static synchronized List<String> launch() throws IOException, InterruptedException {
    if (launch != null) {
      return launch;
    }
    List<String> base = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    base.addAll(JVM);
    base.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xlog:disable"));
    Path work = Files.createTempDirectory("handover-process");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
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
    training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", cp, HandoverCli.class.getName()));
    launch = training;
    try {
      // the archive is written as the process exits normally
      HandoverProcess p = start(config);
      p.terminate();
      p.awaitExit(60);
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

  /** Waits until a line of output contains {@code needle}; fails when the process ends first or after 60 s. */
  public void awaitLine(String needle) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        if (line.contains(needle)) {
          return;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("the process ended (" + process.exitValue() + ") without '" + needle + "': " + output);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no '" + needle + "' within 60 s: " + output);
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** The proxy's port, once {@link #start} returned. */
  public int proxyPort() {
    return ports.join()[0];
  }

  /** The admin API's port, once {@link #start} returned. */
  public int adminPort() {
    return ports.join()[1];
  }

  /** Every line the process printed so far. */
  public List<String> output() {
    return List.copyOf(output);
  }

  /** Sends SIGTERM (through the handle: {@link Process#destroy} would also close the output pipe). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed by the process itself. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the killed process did not end");
    }
  }

  /** Waits up to {@code seconds} for the exit; returns its code, or fails. */
  public int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + seconds + " s: " + output);
    }
    // the last lines may still be in the pipe
    reader.join(5_000);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

package io.handover.engine.support;

import io.handover.engine.cli.HandoverCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private HandoverProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "handover-process-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code handover -configFile=CONFIG -logLevel=INFO} and waits until it listens. */
  public static HandoverProcess start(Path config) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // quick to start and small: the process lives for a moment
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-Xss512k",
        "-cp", System.getProperty("java.class.path"), HandoverCli.class.getName(),
        "-configFile=" + config, "-logLevel=INFO"));
    HandoverProcess p = new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    try {
      p.ports.get(60, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.kill();
      throw new AssertionError("handover did not start: " + p.lines, e);
    }
    return p;
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

package io.handover.engine.support;

import io.handover.engine.cli.HandoverCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code handover run} in a process of its own, started as {@code bin/handover} starts it (the
 * platform's selector provider reachable, so its listeners have SO_REUSEPORT), its output kept.
 */
public final class HandoverProcess implements AutoCloseable {

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private HandoverProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "handover-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code handover run --config-file config} with more arguments, e.g. {@code --takeover}. */
  public static HandoverProcess run(Path config, String... more) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), HandoverCli.class.getName(),
        "run", "--config-file", config.toString()));
    command.addAll(List.of(more));
    return new HandoverProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
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

  public List<String> output() {
    return List.copyOf(output);
  }

  /** Sends SIGTERM (through the handle: {@link Process#destroy} would also close the output pipe). */
  public void terminate() {
    process.toHandle().destroy();
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

package io.handover.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code bin/handover run --config-file F} as a child process, with the ports it logged once started. */
final class HandoverProcess implements AutoCloseable {

  private static final Pattern STARTED = Pattern.compile("proxy listening on \\S*:(\\d+), admin API on \\S*:(\\d+)");

  private final Process process;
  private final Queue<String> output = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Matcher> started = new CompletableFuture<>();

  private HandoverProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "handover-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the proxy of the distribution in {@code home} and waits for its start-up line. */
  static HandoverProcess run(Path home, Path config) {
    try {
      Process process = new ProcessBuilder(home.resolve("bin/handover").toString(), "run", "--config-file", config.toString())
          .directory(home.toFile())
          .redirectErrorStream(true)
          .start();
      HandoverProcess handover = new HandoverProcess(process);
      handover.awaitStart();
      return handover;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.add(line);
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          started.complete(m);
        }
      }
    } catch (IOException e) {
      // The process went away; the exit below reports it.
    }
    started.completeExceptionally(new IllegalStateException("handover exited before it started: " + output()));
  }

  private void awaitStart() {
    try {
      started.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new AssertionError("handover did not start: " + output(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int proxyPort() {
    return Integer.parseInt(started.join().group(1));
  }

  int adminPort() {
    return Integer.parseInt(started.join().group(2));
  }

  String output() {
    return String.join("\n", output);
  }

  /** Stops the process as an operator would (SIGTERM) and returns its exit code. */
  int stop() {
    process.destroy();
    try {
      boolean exited = process.waitFor(60, TimeUnit.SECONDS);
      assertThat(exited).as("handover stopped on SIGTERM; output: %s", output()).isTrue();
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}

package io.handover.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short commands (tar, bin/handover --version, mvn) as real processes. */
final class Commands {

  /** What a finished command left. */
  record Result(int exitCode, String stdout, String stderr) {}

  private Commands() {}

  /** Runs {@code command} in {@code dir} with {@code env} added to this process's environment. */
  static Result run(Path dir, Map<String, String> env, long timeoutSeconds, String... command) {
    try {
      Path stdout = Files.createTempFile("command", ".out");
      Path stderr = Files.createTempFile("command", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        // The Maven running these tests exports its own project folder; a child mvn must find its own.
        builder.environment().remove("MAVEN_PROJECTBASEDIR");
        builder.environment().remove("MAVEN_BASEDIR");
        builder.environment().putAll(env);
        Process process = builder.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
          process.destroyForcibly().waitFor();
        }
        Result result = new Result(process.exitValue(),
            Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        assertThat(finished).as("%s finished within %d s; output: %s", List.of(command), timeoutSeconds, result).isTrue();
        return result;
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code command} and asserts it exits with 0. */
  static Result succeed(Path dir, long timeoutSeconds, String... command) {
    Result result = run(dir, Map.of(), timeoutSeconds, command);
    assertThat(result.exitCode()).as("exit code of %s; output: %s", List.of(command), result).isZero();
    return result;
  }
}

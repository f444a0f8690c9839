package io.handover.distribution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The tarball the build made, and its version; unpacked with the system's {@code tar}, as a user would. */
final class Tarball {

  static final Path FILE = Path.of(System.getProperty("handover.tarball", "target/handover.tar.gz"));
  static final String VERSION = System.getProperty("handover.version", "unknown");
  static final String TOP = "handover-" + VERSION;

  private Tarball() {}

  /** Unpacks the tarball into {@code dir}; returns the distribution's folder, {@code dir/handover-<version>}. */
  static Path unpackInto(Path dir) {
    if (!Files.isRegularFile(FILE)) {
      throw new IllegalStateException(FILE + " is missing: these tests run after the distribution is packaged (mvn verify)");
    }
    Commands.succeed(dir, 120, "tar", "-xzf", FILE.toAbsolutePath().toString());
    return dir.resolve(TOP);
  }

  /** The tarball's entry names. */
  static List<String> entries(Path workDir) {
    return Commands.succeed(workDir, 120, "tar", "-tzf", FILE.toAbsolutePath().toString()).stdout().lines().toList();
  }
}

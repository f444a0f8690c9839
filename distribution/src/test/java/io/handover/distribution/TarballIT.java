package io.handover.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tarball holds, read from the file the build made. */
class TarballIT {

  private static final String V = Tarball.VERSION;
  private static final String API = "sdk/repository/io/handover/handover-api/" + V + "/handover-api-" + V;

  @TempDir
  Path dir;

  @Test
  void everyEntryIsUnderOneTopFolderNamedForTheVersion() {
    List<String> entries = Tarball.entries(dir);

    assertThat(Tarball.FILE.getFileName()).hasToString("handover-" + V + ".tar.gz");
    assertThat(entries).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith(Tarball.TOP + "/"));
    assertThat(entries).contains(
        Tarball.TOP + "/bin/handover",
        Tarball.TOP + "/lib/handover-engine-" + V + ".jar",
        Tarball.TOP + "/lib/handover-api-" + V + ".jar",
        Tarball.TOP + "/plugins/README.md",
        Tarball.TOP + "/conf/handover.json",
        Tarball.TOP + "/docs/plugins.md",
        Tarball.TOP + "/LICENSE",
        Tarball.TOP + "/examples/deploy.sh",
        Tarball.TOP + "/sdk/README.md",
        Tarball.TOP + "/" + API + ".jar",
        Tarball.TOP + "/" + API + "-sources.jar",
        Tarball.TOP + "/" + API + "-javadoc.jar",
        Tarball.TOP + "/" + API + ".pom",
        Tarball.TOP + "/sdk/repository/io/handover/handover-parent/" + V + "/handover-parent-" + V + ".pom",
        Tarball.TOP + "/sdk/examples/dark-launch/pom.xml",
        Tarball.TOP + "/sdk/examples/dark-launch/.mvn/maven.config",
        Tarball.TOP + "/sdk/examples/dark-launch/src/main/java/example/darklaunch/DarkLaunchStrategyFactory.java",
        Tarball.TOP + "/sdk/examples/dark-launch/src/main/resources/META-INF/services/io.handover.api.UpgradeStrategyFactory");
  }

  @Test
  void unpackedItHoldsARunnableScriptTheLicenceAndTheSdk() throws IOException {
    Path home = Tarball.unpackInto(dir);

    assertThat(Files.isExecutable(home.resolve("bin/handover"))).isTrue();
    assertThat(Files.isExecutable(home.resolve("examples/deploy.sh"))).isTrue();
    assertThat(Files.readString(home.resolve("bin/handover"))).startsWith("#!/bin/sh\n").doesNotContain("\r");
    assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
    assertThat(Files.readString(home.resolve("plugins/README.md"))).contains("plugins/", "restart");
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      assertThat(lib.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.endsWith("-sources.jar") || name.endsWith("-javadoc.jar"));
    }
    try (JarFile sources = new JarFile(home.resolve(API + "-sources.jar").toFile());
         JarFile javadoc = new JarFile(home.resolve(API + "-javadoc.jar").toFile())) {
      assertThat(sources.getEntry("io/handover/api/UpgradeStrategyFactory.java")).isNotNull();
      assertThat(javadoc.getEntry("io/handover/api/UpgradeStrategyFactory.html")).isNotNull();
    }

    Path example = home.resolve("sdk/examples/dark-launch");
    assertThat(Files.readString(example.resolve(".mvn/maven.config"))).contains("-Daether.offline.protocols=file");
    assertThat(Files.readString(example.resolve("pom.xml")))
        .contains("<handover.version>" + V + "</handover.version>", "${project.baseUri}../../repository")
        .doesNotContain("@project.version@");
    assertThat(Files.readString(home.resolve("sdk/README.md"))).contains("handover-api-" + V + ".jar").doesNotContain("@project.version@");
  }
}

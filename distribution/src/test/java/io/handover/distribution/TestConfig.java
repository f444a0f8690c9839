package io.handover.distribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The shipped conf/handover.json with free ports and the test's backend, saved beside it as conf/it.json. */
final class TestConfig {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestConfig() {}

  static Path write(Path home, int backendPort) {
    try {
      ObjectNode config = (ObjectNode) JSON.readTree(home.resolve("conf/handover.json").toFile());
      ((ObjectNode) config.get("proxy")).put("port", 0);
      ((ObjectNode) config.get("configService")).put("port", 0);
      ((ObjectNode) config.get("cluster").get("servers").get(0)).put("port", backendPort);
      Path file = home.resolve("conf/it.json");
      JSON.writeValue(file.toFile(), config);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

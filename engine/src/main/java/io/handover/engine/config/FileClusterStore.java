package io.handover.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.json.Json;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ClusterStore;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the versions in a JSON file (an array in the admin API's format). Each save writes a
 * temporary file beside it and renames it over the old one, so a crash leaves either the old or the
 * new file, never half of one.
 */
public final class FileClusterStore implements ClusterStore {

  private final Path file;

  public FileClusterStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public List<ClusterConfig> load() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    JsonNode root = Json.MAPPER.readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(file + ": expected a JSON array of clusters");
    }
    List<ClusterConfig> clusters = new ArrayList<>();
    try {
      for (int i = 0; i < root.size(); i++) {
        clusters.add(ClusterJson.parseWrapped(root.get(i), "[" + i + "]", System.currentTimeMillis()));
      }
    } catch (JsonInputException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return clusters;
  }

  @Override
  public void save(List<ClusterConfig> clusters) throws IOException {
    ArrayNode array = Json.MAPPER.createArrayNode();
    clusters.forEach(c -> array.add(ClusterJson.toStoredJson(c)));
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(array));
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

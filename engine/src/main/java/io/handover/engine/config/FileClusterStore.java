package io.handover.engine.config;

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
    List<ClusterJson.Wrapper> saved;
    try {
      saved = Json.read(Files.readAllBytes(file), ClusterJson.LIST);
    } catch (JsonInputException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    if (saved == null) {
      throw new IOException(file + ": expected a JSON array of clusters");
    }
    List<ClusterConfig> clusters = new ArrayList<>();
    for (int i = 0; i < saved.size(); i++) {
      if (saved.get(i) == null) {
        throw new IOException(file + ": [" + i + "] must be {\"cluster\":{...}}");
      }
      try {
        clusters.add(saved.get(i).cluster().toConfig(System.currentTimeMillis()));
      } catch (JsonInputException e) {
        throw new IOException(file + ": " + e.within("[" + i + "].cluster").getMessage(), e);
      }
    }
    return clusters;
  }

  @Override
  public void save(List<ClusterConfig> clusters) throws IOException {
    List<ClusterJson.Wrapper> array = clusters.stream().map(c -> ClusterJson.toJson(c, true)).toList();
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

package io.handover.engine.config;

import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ClusterStore;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the versions in a JSON file (an array in the admin API's format). Each save writes a
 * temporary file beside it, forces it to disk, renames it over the old one and forces the folder,
 * all before the change is acknowledged: a crash (even of the machine) leaves either the old or the
 * new file, never half of one, and a change once acknowledged is on disk. While open it holds a lock on {@code <file>.lock}, so that two
 * processes never write the same file; {@link #close} releases it.
 */
public final class FileClusterStore implements ClusterStore, Closeable {

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private FileClusterStore(Path file, FileChannel lockChannel, FileLock lock) {
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** @throws IOException when the lock cannot be had: another instance uses the file */
  public static FileClusterStore open(Path stateFile) throws IOException {
    Path file = stateFile.toAbsolutePath();
    Files.createDirectories(file.getParent());
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(file + " is in use by another handover instance (it holds " + lockFile.getFileName() + ")");
    }
    return new FileClusterStore(file, channel, lock);
  }

  /** Whether anything was ever saved: then the file's versions, even none, are the ones to run. */
  public boolean exists() {
    return Files.exists(file);
  }

  @Override
  public List<ClusterConfig> load() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    byte[] content = Files.readAllBytes(file);
    if (new String(content, StandardCharsets.UTF_8).isBlank()) {
      // e.g. emptied by hand to start over: no versions, as [] says
      return List.of();
    }
    List<ClusterJson.Wrapper> saved;
    try {
      saved = Json.read(content, ClusterJson.LIST);
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
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    ByteBuffer bytes = ByteBuffer.wrap(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(array));
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    forceFolder(file.getParent());
  }

  /** Makes the rename itself durable; a platform that cannot open a folder (Windows) has no need. */
  private static void forceFolder(Path folder) throws IOException {
    FileChannel dir;
    try {
      dir = FileChannel.open(folder, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    try (dir) {
      dir.force(true);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}

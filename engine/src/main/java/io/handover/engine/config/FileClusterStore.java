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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  private static final Logger log = LoggerFactory.getLogger(FileClusterStore.class);

  private final Path file;
  private final FileChannel lockChannel;
  /** Null while a successor waits for the instance it replaces to let the file go. */
  private volatile FileLock lock;
  /** The process that held the lock when a successor opened the file; -1 when unknown or none. */
  private final long predecessor;

  private FileClusterStore(Path file, FileChannel lockChannel, FileLock lock, long predecessor) {
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.predecessor = predecessor;
    if (lock != null) {
      writePid();
    }
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
    return new FileClusterStore(file, channel, lock, -1);
  }

  /**
   * Opens the file for a successor started to replace the instance that holds it (a self-upgrade):
   * when the lock is held, the file is read but not written ({@link #save} is refused as
   * unreachable, so admin changes get 503) until the holder stops; then {@link #follow}'s listener
   * is told and the file is read again. Without a holder this is {@link #open}.
   */
  public static FileClusterStore openAsSuccessor(Path stateFile) throws IOException {
    Path file = stateFile.toAbsolutePath();
    Files.createDirectories(file.getParent());
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock = channel.tryLock();
    long holder = -1;
    if (lock == null) {
      try {
        holder = Long.parseLong(Files.readString(lockFile).strip());
      } catch (NumberFormatException e) {
        holder = -1;
      }
    }
    return new FileClusterStore(file, channel, lock, holder);
  }

  /** The process that held the file when this successor opened it; -1 when none or unknown. */
  public long predecessor() {
    return lock == null ? predecessor : -1;
  }

  /** Whether this instance may write the file (it holds the lock). */
  public boolean holdsLock() {
    return lock != null;
  }

  /** Notes this process in the lock file, for a successor to find. */
  private void writePid() {
    try {
      lockChannel.truncate(0);
      lockChannel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0);
      lockChannel.force(false);
    } catch (IOException e) {
      log.debug("could not note the pid in the lock file: {}", e.toString());
    }
  }

  /** A successor waits on its own thread for the lock and then tells {@code listener} what the file holds. */
  @Override
  public void follow(Listener listener) {
    if (lock != null) {
      return;
    }
    Thread waiter = new Thread(() -> {
      try {
        FileLock had = lockChannel.lock();
        lock = had;
        writePid();
        log.info("took over {} from the instance it replaces", file);
        // revision 1: unlike the 0 of every plain read, so that the registry takes the file on whole
        listener.reconnected(new Stored(load(), 1, exists()));
      } catch (IOException e) {
        log.error("could not take over {}: {}", file, e.getMessage());
      }
    }, "handover-takeover");
    waiter.setDaemon(true);
    waiter.start();
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
    if (lock == null) {
      throw new Unreachable(file + " is still held by the instance this one replaces; changes are taken once it has stopped", null);
    }
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
      FileLock held = lock;
      if (held != null) {
        held.release();
      }
    } finally {
      lockChannel.close();
    }
  }
}

package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionState;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.proxy.BackendPool;
import io.handover.engine.proxy.PoolSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered versions. Changes are serialised and each one publishes a new immutable
 * {@link Snapshot}; readers on the request path only read the current snapshot.
 *
 * <p>Every accepted change is saved to the {@link ClusterStore} before it is published, so that a
 * change the admin API acknowledged survives a restart.
 */
public final class VersionRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VersionRegistry.class);
  private static final Comparator<LiveVersion> NEWEST_FIRST =
      Comparator.comparing((LiveVersion v) -> v.info().version()).reversed();

  private final PluginRegistry plugins;
  private final PoolSettings poolSettings;
  private final ClusterStore store;
  private final long drainMillis;
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  /** Insertion order; among equal versions the one added later counts as newer. */
  private final Map<String, LiveVersion> entries = new LinkedHashMap<>();
  private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "handover-pool-closer");
    t.setDaemon(true);
    return t;
  });

  public VersionRegistry(PluginRegistry plugins, PoolSettings poolSettings, ClusterStore store, long drainMillis) {
    this.plugins = requireNonNull(plugins, "plugins is null");
    this.poolSettings = requireNonNull(poolSettings, "poolSettings is null");
    this.store = requireNonNull(store, "store is null");
    this.drainMillis = drainMillis;
  }

  /** The current versions. Lock-free; for the request path. */
  public Snapshot snapshot() {
    return current.get();
  }

  /** Loads what the store kept, replacing nothing that is already registered. */
  public synchronized int restore() throws IOException {
    List<ClusterConfig> saved = store.load();
    for (ClusterConfig c : saved) {
      if (!entries.containsKey(c.id())) {
        entries.put(c.id(), build(c, VersionState.ACTIVE));
      }
    }
    publish();
    return saved.size();
  }

  /**
   * Adds a version, or replaces the one with the same id.
   *
   * @throws io.handover.api.InvalidSettingException when its strategy rejects its settings
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized ClusterConfig put(ClusterConfig config) {
    LiveVersion fresh = build(config, VersionState.ACTIVE);
    LiveVersion previous = entries.put(config.id(), fresh);
    try {
      save();
    } catch (IOException e) {
      if (previous == null) {
        entries.remove(config.id());
      } else {
        entries.put(config.id(), previous);
      }
      fresh.pool().close();
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    publish();
    if (previous != null) {
      retire(previous);
    }
    log.info("version {} added as cluster {} ({} servers, mode {})",
        config.version(), config.id(), config.servers().size(), config.mode());
    return config;
  }

  /**
   * Removes a version; requests already on it finish.
   *
   * @return false when no version has that id
   */
  public synchronized boolean remove(String id) {
    LiveVersion removed = entries.remove(id);
    if (removed == null) {
      return false;
    }
    try {
      save();
    } catch (IOException e) {
      entries.put(id, removed);
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    publish();
    retire(removed);
    log.info("version {} (cluster {}) removed", removed.info().version(), id);
    return true;
  }

  /** The version with this id. */
  public Optional<ClusterConfig> find(String id) {
    LiveVersion v = snapshot().get(id);
    return Optional.ofNullable(v).map(LiveVersion::config);
  }

  /** Every version, newest first. */
  public List<ClusterConfig> list() {
    return snapshot().all().stream().map(LiveVersion::config).toList();
  }

  private LiveVersion build(ClusterConfig config, VersionState state) {
    UpgradeStrategy strategy = plugins.createStrategy(config.transition());
    VersionInfo info = new VersionInfo(config.id(), config.version(), config.mode(), state, config.addedAtMillis());
    return new LiveVersion(config, info, strategy, new BackendPool(config.servers(), poolSettings), new MirrorStats(), new Outcomes());
  }

  private void save() throws IOException {
    store.save(entries.values().stream().map(LiveVersion::config).toList());
  }

  private void publish() {
    List<LiveVersion> ordered = new ArrayList<>(entries.values());
    java.util.Collections.reverse(ordered);
    ordered.sort(NEWEST_FIRST);
    current.set(new Snapshot(ordered));
  }

  private void retire(LiveVersion version) {
    closer.schedule(version.pool()::close, drainMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closer.shutdownNow();
    entries.values().forEach(v -> v.pool().close());
  }
}

package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.InvalidSettingException;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionState;
import io.handover.engine.plugin.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.handover.engine.telemetry.Outcomes;
import io.handover.engine.telemetry.MirrorStats;

/**
 * The registered versions. Changes are serialised and each one publishes a new immutable
 * {@link Snapshot}; readers on the request path only read the current snapshot.
 *
 * <p>Every accepted change is saved to the {@link ClusterStore} before it is published, so that a
 * change the admin API acknowledged survives a restart. A version's state changes and promotions
 * keep its pool, counters and history, and are added to that history. Methods that change
 * something block while the store saves; call them from workers, never from IO threads.
 */
public final class VersionRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VersionRegistry.class);
  private static final Comparator<LiveVersion> NEWEST_FIRST =
      Comparator.comparing((LiveVersion v) -> v.info().version()).reversed();

  private final PluginRegistry plugins;
  private final Servers.Factory servers;
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

  public VersionRegistry(PluginRegistry plugins, Servers.Factory servers, ClusterStore store, long drainMillis) {
    this.plugins = requireNonNull(plugins, "plugins is null");
    this.servers = requireNonNull(servers, "servers is null");
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
        entries.put(c.id(), build(c));
      }
    }
    publish();
    return saved.size();
  }

  /**
   * Adds a version, or replaces the one with the same id (with a fresh pool, counters and history).
   *
   * @throws io.handover.api.InvalidSettingException when its strategy or a promotion stage's rejects
   *     its settings; the field is {@code upgradeTransition.x} or {@code promote[i].to.x}
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized ClusterConfig put(ClusterConfig config) {
    LiveVersion fresh = build(config);
    LiveVersion previous = entries.put(config.id(), fresh);
    try {
      save();
    } catch (IOException e) {
      if (previous == null) {
        entries.remove(config.id());
      } else {
        entries.put(config.id(), previous);
      }
      fresh.servers().close();
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    publish();
    if (previous != null) {
      retire(previous);
    }
    log.info("version {} added as cluster {} ({} servers, mode {}{})", config.version(), config.id(), config.servers().size(),
        config.mode(), config.rollout().state() == VersionState.ACTIVE ? "" : ", " + config.rollout().state());
    return config;
  }

  /**
   * Takes a version out of rotation at an operator's request: it gets no new traffic and its sticky
   * clients go to the older version.
   *
   * @return {@link StateChange#UNCHANGED} when it is already rolled back
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange rollBack(String id, String reason) {
    LiveVersion v = entries.get(id);
    return v == null ? StateChange.UNKNOWN : rollBack(v, reason, Transition.Kind.MANUAL);
  }

  /**
   * Rolls back the version the rollout guard judged, unless it changed since (then the guard judges
   * it again on its next round).
   */
  public synchronized StateChange rollBackAutomatically(LiveVersion judged, String reason) {
    LiveVersion v = entries.get(judged.info().id());
    return v != judged ? StateChange.UNCHANGED : rollBack(v, reason, Transition.Kind.AUTOMATIC);
  }

  private StateChange rollBack(LiveVersion v, String reason, Transition.Kind kind) {
    if (v.info().state() == VersionState.ROLLED_BACK) {
      return StateChange.UNCHANGED;
    }
    RolloutState state = new RolloutState(VersionState.ROLLED_BACK, reason, v.config().rollout().promotionStage());
    apply(v, v.config().withRollout(state), v.strategy(),
        new Transition(System.currentTimeMillis(), kind, VersionState.ACTIVE.name(), VersionState.ROLLED_BACK.name(), reason));
    log.warn("version {} (cluster {}) rolled back ({}): {}", v.info().version(), v.info().id(), kind.name().toLowerCase(Locale.ROOT), reason);
    return StateChange.CHANGED;
  }

  /**
   * Puts a rolled-back version back into rotation at an operator's request. What it did before no
   * longer counts towards a rollback: its outcome window starts afresh.
   *
   * @return {@link StateChange#UNCHANGED} when it is already active
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange activate(String id) {
    LiveVersion v = entries.get(id);
    if (v == null) {
      return StateChange.UNKNOWN;
    }
    if (v.info().state() == VersionState.ACTIVE) {
      return StateChange.UNCHANGED;
    }
    // before publishing, so the guard never judges the re-activated version on the old failures
    v.outcomes().restart();
    RolloutState state = new RolloutState(VersionState.ACTIVE, null, v.config().rollout().promotionStage());
    apply(v, v.config().withRollout(state), v.strategy(), new Transition(System.currentTimeMillis(), Transition.Kind.MANUAL,
        VersionState.ROLLED_BACK.name(), VersionState.ACTIVE.name(), "activated by an operator"));
    log.info("version {} (cluster {}) activated by an operator; it was rolled back because: {}",
        v.info().version(), id, v.config().rollout().reason());
    return StateChange.CHANGED;
  }

  /**
   * Moves a version on to promotion stage {@code stage} at an operator's request: its
   * upgradeTransition becomes the stage's {@code to}, with a new strategy whose ramp starts now.
   *
   * @param stage the stage to apply; it must be the version's next one
   * @return {@link StateChange#UNCHANGED} when {@code stage} is not the version's next stage
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange promote(String id, int stage) {
    LiveVersion v = entries.get(id);
    return v == null ? StateChange.UNKNOWN : promote(v, stage, "by an operator", Transition.Kind.MANUAL);
  }

  /** Promotes the version the rollout guard judged, unless it changed since. */
  public synchronized StateChange promoteAutomatically(LiveVersion judged, int stage, String reason) {
    LiveVersion v = entries.get(judged.info().id());
    return v != judged ? StateChange.UNCHANGED : promote(v, stage, reason, Transition.Kind.AUTOMATIC);
  }

  private StateChange promote(LiveVersion v, int stage, String reason, Transition.Kind kind) {
    ClusterConfig config = v.config();
    if (stage != config.rollout().promotionStage() || stage >= config.policies().promote().size()) {
      return StateChange.UNCHANGED;
    }
    ClusterConfig promoted = config.promoted(stage, System.currentTimeMillis());
    UpgradeStrategy strategy = plugins.createStrategy(promoted.transition());
    String why = "stage " + (stage + 1) + " of " + config.policies().promote().size() + ": " + reason;
    apply(v, promoted, strategy, new Transition(promoted.addedAtMillis(), kind, config.mode(), promoted.mode(), why));
    log.info("version {} (cluster {}) promoted from {} to {} ({}): {}", v.info().version(), v.info().id(), config.mode(), promoted.mode(),
        kind.name().toLowerCase(Locale.ROOT), why);
    return StateChange.CHANGED;
  }

  /** Saves and publishes {@code config} for {@code v}, keeping its pool, counters and history. */
  private void apply(LiveVersion v, ClusterConfig config, UpgradeStrategy strategy, Transition transition) {
    LiveVersion next = new LiveVersion(config, info(config), strategy, v.servers(), v.mirrorStats(), v.outcomes(), v.history());
    entries.put(config.id(), next);
    try {
      save();
    } catch (IOException e) {
      entries.put(config.id(), v);
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    publish();
    v.history().add(transition);
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

  private LiveVersion build(ClusterConfig config) {
    UpgradeStrategy strategy;
    try {
      strategy = plugins.createStrategy(config.transition());
    } catch (InvalidSettingException e) {
      throw within("upgradeTransition", e);
    }
    List<PromotionStage> stages = config.policies().promote();
    for (int i = 0; i < stages.size(); i++) {
      try {
        plugins.createStrategy(stages.get(i).to());
      } catch (InvalidSettingException e) {
        throw within("promote[" + i + "].to", e);
      }
    }
    return new LiveVersion(config, info(config), strategy, servers.create(config), new MirrorStats(),
        new Outcomes(), new TransitionHistory());
  }

  private static VersionInfo info(ClusterConfig config) {
    return new VersionInfo(config.id(), config.version(), config.mode(), config.rollout().state(), config.addedAtMillis());
  }

  /** The error with its field put inside {@code prefix}, e.g. {@code promote[0].to.sessionTimeout}. */
  private static InvalidSettingException within(String prefix, InvalidSettingException e) {
    String field = prefix + "." + e.field();
    String message = e.getMessage().startsWith(e.field()) ? prefix + "." + e.getMessage() : field + ": " + e.getMessage();
    return new InvalidSettingException(field, message);
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
    closer.schedule(version.servers()::close, drainMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    closer.shutdownNow();
    entries.values().forEach(v -> v.servers().close());
  }
}

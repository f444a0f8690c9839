package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionState;
import io.handover.engine.plugin.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered versions. Changes are serialised and each one publishes a new immutable
 * {@link Snapshot}; readers on the request path only read the current snapshot. This class is the
 * state machine of versions (added, rolled back, activated, promoted, removed); making a version's
 * live form is {@link VersionFactory}'s, keeping it the {@link ClusterStore}'s, and closing the
 * servers of a version that went {@link Retirement}'s.
 *
 * <p>Every accepted change is saved to the {@link ClusterStore} before it is published, so that a
 * change the admin API acknowledged survives a restart. A version's state changes and promotions
 * keep its pool, counters and history, and are added to that history. Methods that change
 * something block while the store saves; call them from workers, never from IO threads.
 */
public final class VersionRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VersionRegistry.class);

  private final VersionFactory factory;
  private final ClusterStore store;
  private final Retirement retirement;
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  /** The committed versions in insertion order (among equal versions the later counts as newer); never changed in place. */
  private Map<String, LiveVersion> entries = Map.of();

  public VersionRegistry(PluginRegistry plugins, Servers.Factory servers, ClusterStore store, long drainMillis) {
    this.factory = new VersionFactory(plugins, servers);
    this.store = requireNonNull(store, "store is null");
    this.retirement = new Retirement(drainMillis);
  }

  /** The current versions. Lock-free; for the request path. */
  public Snapshot snapshot() {
    return current.get();
  }

  /** Loads what the store kept, replacing nothing that is already registered. */
  public synchronized int restore() throws IOException {
    List<ClusterConfig> saved = store.load();
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    for (ClusterConfig c : saved) {
      next.putIfAbsent(c.id(), factory.create(c));
    }
    entries = Collections.unmodifiableMap(next);
    current.set(Snapshot.of(entries.values()));
    return saved.size();
  }

  /**
   * Adds a version, or replaces the one with the same id (with fresh servers, counters and history).
   *
   * @throws io.handover.api.InvalidSettingException when its strategy or a promotion stage's rejects
   *     its settings; the field is {@code upgradeTransition.x} or {@code promote[i].to.x}
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized ClusterConfig put(ClusterConfig config) {
    LiveVersion fresh = factory.create(config);
    LiveVersion previous = entries.get(config.id());
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    next.put(config.id(), fresh);
    try {
      commit(next);
    } catch (UncheckedIOException e) {
      fresh.servers().close();
      throw e;
    }
    if (previous != null) {
      retirement.retire(previous);
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
    v.endpoints().restart();
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
    UpgradeStrategy strategy = factory.strategy(promoted.transition(), "promote[" + stage + "].to");
    String why = "stage " + (stage + 1) + " of " + config.policies().promote().size() + ": " + reason;
    apply(v, promoted, strategy, new Transition(promoted.addedAtMillis(), kind, config.mode(), promoted.mode(), why));
    log.info("version {} (cluster {}) promoted from {} to {} ({}): {}", v.info().version(), v.info().id(), config.mode(), promoted.mode(),
        kind.name().toLowerCase(Locale.ROOT), why);
    return StateChange.CHANGED;
  }

  /**
   * Gives a version a new upgradeTransition in the same mode, at an operator's request, keeping
   * its servers, counters, history and the start of its stage (a ramp goes on where it was).
   *
   * @param change makes the new transition from the current one
   * @return {@link StateChange#UNCHANGED} when the transition stays the same
   * @throws io.handover.api.InvalidSettingException when the strategy rejects the new transition;
   *     the field is {@code upgradeTransition.x}
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange retune(String id, UnaryOperator<Settings> change, String reason) {
    LiveVersion v = entries.get(id);
    if (v == null) {
      return StateChange.UNKNOWN;
    }
    ClusterConfig config = v.config();
    Settings transition = change.apply(config.transition());
    if (transition.asMap().equals(config.transition().asMap())) {
      return StateChange.UNCHANGED;
    }
    ClusterConfig next = new ClusterConfig(config.id(), config.version(), config.servers(), transition, config.addedAtMillis(),
        config.policies(), config.rollout());
    UpgradeStrategy strategy = factory.strategy(transition, "upgradeTransition");
    apply(v, next, strategy, new Transition(System.currentTimeMillis(), Transition.Kind.MANUAL, config.mode(), next.mode(), reason));
    log.info("version {} (cluster {}) transition changed by an operator: {}", v.info().version(), id, reason);
    return StateChange.CHANGED;
  }

  /** Saves and publishes {@code config} for {@code v}, keeping its servers, counters and history. */
  private void apply(LiveVersion v, ClusterConfig config, UpgradeStrategy strategy, Transition transition) {
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    next.put(config.id(), VersionFactory.update(v, config, strategy));
    commit(next);
    v.history().add(transition);
  }

  /**
   * Removes a version; requests already on it finish.
   *
   * @return false when no version has that id
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized boolean remove(String id) {
    LiveVersion removed = entries.get(id);
    if (removed == null) {
      return false;
    }
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    next.remove(id);
    commit(next);
    retirement.retire(removed);
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

  /**
   * The one way a change takes effect: the store saves the new set of versions, and only then is
   * it published. When the save fails nothing changed, so there is nothing to undo.
   */
  private void commit(Map<String, LiveVersion> next) {
    try {
      store.save(next.values().stream().map(LiveVersion::config).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    entries = Collections.unmodifiableMap(next);
    current.set(Snapshot.of(entries.values()));
  }

  @Override
  public synchronized void close() {
    retirement.close();
    entries.values().forEach(v -> v.servers().close());
  }
}

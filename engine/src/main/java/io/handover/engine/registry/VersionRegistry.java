package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionState;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.telemetry.StickyClientCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
 *
 * <p>When several instances share the store, each change is saved over the revision this registry
 * last knew; when another instance saved first, the registry takes on what the store holds and
 * makes the change again on it. What other instances save arrives through {@link #follow} and is
 * published as a new snapshot, keeping the live form of every version whose config did not change.
 * An automatic decision (rollback, promotion) taken while the store cannot be reached acts here at
 * once and is saved when the store is reached again.
 */
public final class VersionRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VersionRegistry.class);
  /** How often a change is made again on what another instance saved before giving up. */
  private static final int MAX_ATTEMPTS = 50;

  private final VersionFactory factory;
  private final ClusterStore store;
  private final Retirement retirement;
  private final StickyClientCounts stickyClients = new StickyClientCounts();
  private final AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.EMPTY);
  /** The committed versions in insertion order (among equal versions the later counts as newer); never changed in place. */
  private Map<String, LiveVersion> entries = Map.of();
  private VersionWatcher watcher = VersionWatcher.NONE;
  /** The store's revision of {@link #entries}. */
  private long revision;
  /** Whether the store ever saved anything. */
  private boolean stored;
  /** Versions another instance saved that cannot run here (e.g. an unknown mode): saved back untouched. */
  private Map<String, ClusterConfig> unrunnable = Map.of();
  /** Automatic decisions that act here but were not saved: the store could not be reached. */
  private final List<Decision> unsaved = new ArrayList<>();

  public VersionRegistry(PluginRegistry plugins, Servers.Factory servers, ClusterStore store, long drainMillis) {
    this.factory = new VersionFactory(plugins, servers);
    this.store = requireNonNull(store, "store is null");
    this.retirement = new Retirement(drainMillis);
    plugins.countStickyClientsIn(stickyClients);
  }

  /** The sticky clients the strategies keep on older versions. */
  public StickyClientCounts stickyClients() {
    return stickyClients;
  }

  /** The current versions. Lock-free; for the request path. */
  public Snapshot snapshot() {
    return current.get();
  }

  /** Tells {@code watcher} of every change from now on, starting with the current snapshot. */
  public synchronized void watch(VersionWatcher watcher) {
    this.watcher = requireNonNull(watcher, "watcher is null");
    watcher.published(current.get());
  }

  /** Loads what the store kept, replacing nothing that is already registered. */
  public synchronized int restore() throws IOException {
    ClusterStore.Stored read = store.read();
    List<ClusterConfig> saved = read.clusters();
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    for (ClusterConfig c : saved) {
      next.putIfAbsent(c.id(), factory.create(c));
    }
    revision = read.revision();
    stored = read.exists();
    publish(next);
    return saved.size();
  }

  /**
   * Adds these versions in one change when the store never saved anything; else the store's
   * versions win and nothing changes.
   *
   * @return whether they were added
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized boolean seed(List<ClusterConfig> clusters) {
    return changing(() -> {
      if (stored) {
        return false;
      }
      Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
      List<LiveVersion> made = new ArrayList<>();
      try {
        for (ClusterConfig c : clusters) {
          LiveVersion fresh = factory.create(c);
          made.add(fresh);
          LiveVersion replaced = next.put(c.id(), fresh);
          if (replaced != null) {
            replaced.servers().close();
          }
        }
        commit(next);
      } catch (RuntimeException e) {
        made.forEach(v -> v.servers().close());
        throw e;
      }
      return true;
    });
  }

  /**
   * From now on takes on what other instances save to a shared store, and after the store was
   * unreachable saves the automatic decisions taken meanwhile. A store of one instance never calls.
   */
  public void follow() {
    store.follow(new ClusterStore.Listener() {
      @Override
      public void changed(ClusterStore.Stored saved) {
        takeOn(saved, false);
      }

      @Override
      public void reconnected(ClusterStore.Stored saved) {
        takeOn(saved, true);
      }
    });
  }

  /** The store's name for this instance, or null when it shares nothing. */
  public String instanceName() {
    return store.instanceName();
  }

  /** How the store is doing, for the status report. */
  public Map<String, Object> storeStatus() {
    return store.status();
  }

  /**
   * Adds a version, or replaces the one with the same id (with fresh servers, counters and history).
   *
   * @throws io.handover.api.InvalidSettingException when its strategy or a promotion stage's rejects
   *     its settings; the field is {@code upgradeTransition.x} or {@code promote[i].to.x}
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized ClusterConfig put(ClusterConfig config) {
    watcher.check(config);
    return changing(() -> add(config));
  }

  private ClusterConfig add(ClusterConfig config) {
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
   * Replaces the version {@code expected} with {@code next} (same id, fresh servers), unless it was
   * changed or removed since; e.g. when its containers have started or failed.
   *
   * @return false when the version is no longer {@code expected}
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized boolean replace(ClusterConfig expected, ClusterConfig next) {
    LiveVersion v = entries.get(expected.id());
    if (v == null || !v.config().equals(expected) || !next.id().equals(expected.id())) {
      return false;
    }
    LiveVersion fresh = factory.create(next);
    Map<String, LiveVersion> changed = new LinkedHashMap<>(entries);
    changed.put(next.id(), fresh);
    try {
      commit(changed);
    } catch (UncheckedIOException e) {
      fresh.servers().close();
      throw e;
    }
    retirement.retire(v);
    if (next.rollout().state() != expected.rollout().state()) {
      fresh.history().add(new Transition(System.currentTimeMillis(), Transition.Kind.AUTOMATIC, expected.rollout().state().name(),
          next.rollout().state().name(), next.rollout().reason() == null ? "its containers are ready" : next.rollout().reason()));
    }
    log.info("version {} (cluster {}) is {} with servers {}", next.version(), next.id(), next.rollout().state(), next.servers());
    return true;
  }

  /**
   * Takes a version out of rotation at an operator's request: it gets no new traffic and its sticky
   * clients go to the older version.
   *
   * @return {@link StateChange#UNCHANGED} when it is already rolled back
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange rollBack(String id, String reason) {
    return changing(() -> {
      LiveVersion v = entries.get(id);
      return v == null ? StateChange.UNKNOWN : rollBack(v, reason, Transition.Kind.MANUAL);
    });
  }

  /**
   * Rolls back the version the rollout guard judged, unless it changed since (then the guard judges
   * it again on its next round).
   */
  public synchronized StateChange rollBackAutomatically(LiveVersion judged, String reason) {
    String decided = decidedHere(reason);
    return changing(() -> {
      LiveVersion v = entries.get(judged.info().id());
      return v != judged ? StateChange.UNCHANGED : rollBack(v, decided, Transition.Kind.AUTOMATIC);
    });
  }

  private StateChange rollBack(LiveVersion v, String reason, Transition.Kind kind) {
    if (v.info().state() != VersionState.ACTIVE) {
      return StateChange.UNCHANGED;
    }
    RolloutState state = new RolloutState(VersionState.ROLLED_BACK, reason, v.config().rollout().promotionStage(), v.config().rollout().paused());
    apply(v, v.config().withRollout(state), v.strategy(),
        new Transition(System.currentTimeMillis(), kind, VersionState.ACTIVE.name(), VersionState.ROLLED_BACK.name(), reason),
        new Decision(v.info().id(), -1, reason));
    log.warn("version {} (cluster {}) rolled back ({}): {}", v.info().version(), v.info().id(), kind.name().toLowerCase(Locale.ROOT), reason);
    return StateChange.CHANGED;
  }

  /**
   * Retires an older version the rollout guard judged drained of sticky clients, unless it changed
   * since: it gets no traffic from now on, and its containers are stopped. The state is saved, so
   * that it stays retired over a restart.
   */
  public synchronized StateChange retireAutomatically(LiveVersion judged, String reason) {
    String decided = decidedHere(reason);
    return changing(() -> {
      LiveVersion v = entries.get(judged.info().id());
      if (v != judged || v.info().state() != VersionState.ACTIVE) {
        return StateChange.UNCHANGED;
      }
      RolloutState state = new RolloutState(VersionState.RETIRED, decided, v.config().rollout().promotionStage(),
          v.config().rollout().paused());
      apply(v, v.config().withRollout(state), v.strategy(), new Transition(System.currentTimeMillis(), Transition.Kind.AUTOMATIC,
          VersionState.ACTIVE.name(), VersionState.RETIRED.name(), decided), null);
      log.info("version {} (cluster {}) retired: {}", v.info().version(), v.info().id(), decided);
      return StateChange.CHANGED;
    });
  }

  /**
   * Puts a rolled-back version back into rotation at an operator's request. What it did before no
   * longer counts towards a rollback: its outcome window starts afresh.
   *
   * @return {@link StateChange#UNCHANGED} when it is already active
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange activate(String id) {
    return changing(() -> activateNow(id));
  }

  private StateChange activateNow(String id) {
    LiveVersion v = entries.get(id);
    if (v == null) {
      return StateChange.UNKNOWN;
    }
    if (v.info().state() != VersionState.ROLLED_BACK) {
      // a STARTING or FAILED version has no servers to take traffic yet
      return StateChange.UNCHANGED;
    }
    // before publishing, so the guard never judges the re-activated version on the old failures
    v.outcomes().restart();
    v.endpoints().restart();
    RolloutState state = new RolloutState(VersionState.ACTIVE, null, v.config().rollout().promotionStage(), v.config().rollout().paused());
    apply(v, v.config().withRollout(state), v.strategy(), new Transition(System.currentTimeMillis(), Transition.Kind.MANUAL,
        VersionState.ROLLED_BACK.name(), VersionState.ACTIVE.name(), "activated by an operator"), null);
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
    return changing(() -> {
      LiveVersion v = entries.get(id);
      return v == null ? StateChange.UNKNOWN : promote(v, stage, "by an operator", Transition.Kind.MANUAL);
    });
  }

  /** Promotes the version the rollout guard judged, unless it changed since. */
  public synchronized StateChange promoteAutomatically(LiveVersion judged, int stage, String reason) {
    String decided = decidedHere(reason);
    return changing(() -> {
      LiveVersion v = entries.get(judged.info().id());
      return v != judged ? StateChange.UNCHANGED : promote(v, stage, decided, Transition.Kind.AUTOMATIC);
    });
  }

  private StateChange promote(LiveVersion v, int stage, String reason, Transition.Kind kind) {
    ClusterConfig config = v.config();
    if (stage != config.rollout().promotionStage() || stage >= config.policies().promote().size()) {
      return StateChange.UNCHANGED;
    }
    ClusterConfig promoted = config.promoted(stage, System.currentTimeMillis());
    UpgradeStrategy strategy = factory.strategy(promoted.transition(), "promote[" + stage + "].to");
    String why = "stage " + (stage + 1) + " of " + config.policies().promote().size() + ": " + reason;
    apply(v, promoted, strategy, new Transition(promoted.addedAtMillis(), kind, config.mode(), promoted.mode(), why),
        new Decision(v.info().id(), stage, reason));
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
    return changing(() -> retuneNow(id, change, reason));
  }

  private StateChange retuneNow(String id, UnaryOperator<Settings> change, String reason) {
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
        config.policies(), config.rollout(), config.containers());
    UpgradeStrategy strategy = factory.strategy(transition, "upgradeTransition");
    apply(v, next, strategy, new Transition(System.currentTimeMillis(), Transition.Kind.MANUAL, config.mode(), next.mode(), reason), null);
    log.info("version {} (cluster {}) transition changed by an operator: {}", v.info().version(), id, reason);
    return StateChange.CHANGED;
  }

  /**
   * Pauses or resumes the automatic promotion of a version at an operator's request. While paused
   * the rollout guard promotes it to no further stage, so the version keeps the traffic its current
   * strategy gives it; rollback still watches it.
   *
   * @return {@link StateChange#UNCHANGED} when it is already paused (resumed)
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange pause(String id, boolean paused) {
    return changing(() -> pauseNow(id, paused));
  }

  private StateChange pauseNow(String id, boolean paused) {
    LiveVersion v = entries.get(id);
    if (v == null) {
      return StateChange.UNKNOWN;
    }
    if (v.config().rollout().paused() == paused) {
      return StateChange.UNCHANGED;
    }
    String what = paused ? "paused" : "resumed";
    apply(v, v.config().withRollout(v.config().rollout().withPaused(paused)), v.strategy(),
        new Transition(System.currentTimeMillis(), Transition.Kind.MANUAL, paused ? "RUNNING" : "PAUSED", paused ? "PAUSED" : "RUNNING",
            "rollout " + what + " by an operator"), null);
    log.info("version {} (cluster {}): rollout {} by an operator", v.info().version(), id, what);
    return StateChange.CHANGED;
  }

  /**
   * Aborts a version's rollout at an operator's request: it is rolled back and its rollout paused,
   * so that activating it again does not resume automatic promotion until it is resumed.
   *
   * @return {@link StateChange#UNCHANGED} when it is already rolled back and paused
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized StateChange abort(String id) {
    if (entries.get(id) == null) {
      return StateChange.UNKNOWN;
    }
    StateChange paused = pause(id, true);
    StateChange rolledBack = rollBack(id, "rollout aborted by an operator");
    return paused == StateChange.CHANGED || rolledBack == StateChange.CHANGED ? StateChange.CHANGED : StateChange.UNCHANGED;
  }

  /**
   * Moves a version on to its next promotion stage at an operator's request.
   *
   * @return {@link StateChange#UNCHANGED} when it has passed every stage (or has none)
   */
  public synchronized StateChange promoteNext(String id) {
    return changing(() -> {
      LiveVersion v = entries.get(id);
      return v == null ? StateChange.UNKNOWN : promote(v, v.config().rollout().promotionStage(), "by an operator", Transition.Kind.MANUAL);
    });
  }

  /**
   * Saves and publishes {@code config} for {@code v}, keeping its servers, counters and history. An
   * automatic decision acts here even when the store cannot be reached; it is saved later.
   */
  private void apply(LiveVersion v, ClusterConfig config, UpgradeStrategy strategy, Transition transition, Decision decision) {
    Map<String, LiveVersion> next = new LinkedHashMap<>(entries);
    next.put(config.id(), VersionFactory.update(v, config, strategy));
    // in the history before the change is published: whoever sees the new state can see why
    v.history().add(transition);
    try {
      commit(next);
    } catch (StoreUnreachableException e) {
      if (transition.kind() != Transition.Kind.AUTOMATIC || decision == null) {
        v.history().remove(transition);
        throw e;
      }
      publish(next);
      unsaved.add(decision);
      log.warn("version {} (cluster {}): the decision acts here and is saved when the store is reached again: {}",
          v.info().version(), v.info().id(), e.getMessage());
    } catch (RuntimeException e) {
      v.history().remove(transition);
      throw e;
    }
    if (decision != null) {
      v.history().counted(decision.promoteStage() < 0);
    }
  }

  /**
   * Removes a version; requests already on it finish.
   *
   * @return false when no version has that id
   * @throws UncheckedIOException when the change cannot be saved; nothing changes then
   */
  public synchronized boolean remove(String id) {
    return changing(() -> removeNow(id));
  }

  private boolean removeNow(String id) {
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
      List<ClusterConfig> configs = new ArrayList<>(next.values().stream().map(LiveVersion::config).toList());
      unrunnable.forEach((id, c) -> {
        if (!next.containsKey(id)) {
          configs.add(c);
        }
      });
      revision = store.save(configs, revision);
    } catch (ClusterStore.Conflict e) {
      throw new Stale(e);
    } catch (ClusterStore.Unreachable e) {
      throw new StoreUnreachableException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save the change: " + e.getMessage(), e);
    }
    stored = true;
    publish(next);
  }

  private void publish(Map<String, LiveVersion> next) {
    entries = Collections.unmodifiableMap(next);
    current.set(Snapshot.of(entries.values()));
    watcher.published(current.get());
  }

  /** Makes a change; when another instance saved first, takes on what it saved and makes it again. */
  private <T> T changing(Supplier<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return change.get();
      } catch (Stale e) {
        if (attempt == MAX_ATTEMPTS) {
          throw new UncheckedIOException("could not save the change: other instances kept changing the store ("
              + MAX_ATTEMPTS + " attempts)", e.getCause());
        }
        adopt(e.current, true);
      }
    }
  }

  private String decidedHere(String reason) {
    String name = store.instanceName();
    return name == null ? reason : "instance " + name + ": " + reason;
  }

  /** What the store holds, from another instance or read whole after it was unreachable. */
  private synchronized void takeOn(ClusterStore.Stored saved, boolean reconnected) {
    if (!reconnected) {
      if (saved.revision() > revision) {
        adopt(saved, true);
      }
      return;
    }
    boolean replay = !unsaved.isEmpty();
    if (replay || saved.revision() != revision) {
      // with decisions to save, published by them: the failing version never comes back meanwhile
      adopt(saved, !replay);
    }
    if (replay) {
      saveUnsaved();
    }
  }

  /** Saves the automatic decisions taken while the store could not be reached, on what it holds now. */
  private void saveUnsaved() {
    List<Decision> decisions = List.copyOf(unsaved);
    unsaved.clear();
    for (Decision d : decisions) {
      try {
        StateChange change = changing(() -> {
          LiveVersion v = entries.get(d.id());
          if (v == null) {
            return StateChange.UNKNOWN;
          }
          return d.promoteStage() < 0 ? rollBack(v, d.reason(), Transition.Kind.AUTOMATIC)
              : promote(v, d.promoteStage(), d.reason(), Transition.Kind.AUTOMATIC);
        });
        log.info("cluster {}: saved the decision taken while the store was unreachable ({}): {}", d.id(), change, d.reason());
      } catch (UncheckedIOException e) {
        log.warn("cluster {}: could not save the decision taken while the store was unreachable: {}", d.id(), e.getMessage());
      }
    }
    current.set(Snapshot.of(entries.values()));
  }

  /**
   * Takes on what the store holds: a version whose config did not change keeps its live form; one
   * whose state, stage or transition changed keeps its servers, counters and history; one whose
   * servers changed starts afresh.
   */
  private void adopt(ClusterStore.Stored saved, boolean publish) {
    Map<String, LiveVersion> next = new LinkedHashMap<>();
    Map<String, ClusterConfig> cannotRun = new LinkedHashMap<>();
    List<LiveVersion> replaced = new ArrayList<>();
    for (ClusterConfig c : saved.clusters()) {
      LiveVersion old = entries.get(c.id());
      try {
        next.put(c.id(), followed(old, c, replaced));
      } catch (RuntimeException e) {
        log.error("version {} (cluster {}) saved by another instance cannot run here; it is kept in the store: {}",
            c.version().label(), c.id(), e.getMessage());
        cannotRun.put(c.id(), c);
        if (old != null) {
          replaced.add(old);
        }
      }
    }
    unrunnable = Collections.unmodifiableMap(cannotRun);
    entries.values().stream().filter(v -> !next.containsKey(v.info().id())).forEach(replaced::add);
    revision = saved.revision();
    stored |= saved.exists();
    if (publish) {
      publish(next);
    } else {
      entries = Collections.unmodifiableMap(next);
    }
    replaced.forEach(retirement::retire);
  }

  private LiveVersion followed(LiveVersion old, ClusterConfig c, List<LiveVersion> replaced) {
    if (old == null) {
      return factory.create(c);
    }
    ClusterConfig was = old.config();
    if (was.equals(c)) {
      return old;
    }
    if (!was.servers().equals(c.servers()) || !was.version().equals(c.version()) || !was.policies().equals(c.policies())) {
      replaced.add(old);
      return factory.create(c);
    }
    boolean sameRamp = was.transition().equals(c.transition()) && was.addedAtMillis() == c.addedAtMillis();
    UpgradeStrategy strategy = sameRamp ? old.strategy() : factory.strategy(c.transition(), "upgradeTransition");
    VersionState from = was.rollout().state();
    VersionState to = c.rollout().state();
    if (from == VersionState.ROLLED_BACK && to == VersionState.ACTIVE) {
      old.outcomes().restart();
    }
    LiveVersion updated = VersionFactory.update(old, c, strategy);
    String reason = (c.rollout().reason() == null ? "" : c.rollout().reason() + " ") + "(saved by another instance)";
    Transition.Kind kind = c.rollout().reason() != null && c.rollout().reason().startsWith("instance ")
        ? Transition.Kind.AUTOMATIC : Transition.Kind.MANUAL;
    if (from != to) {
      old.history().add(new Transition(System.currentTimeMillis(), kind, from.name(), to.name(), reason));
    } else if (!sameRamp) {
      old.history().add(new Transition(c.addedAtMillis(), kind, was.mode(), c.mode(), "promoted (saved by another instance)"));
    }
    return updated;
  }

  /** An automatic decision to save: a rollback ({@code promoteStage} -1) or a promotion to a stage. */
  private record Decision(String id, int promoteStage, String reason) {}

  /** Another instance saved first. */
  private static final class Stale extends UncheckedIOException {
    private final transient ClusterStore.Stored current;

    Stale(ClusterStore.Conflict cause) {
      super(cause.getMessage(), cause);
      this.current = cause.current();
    }
  }

  @Override
  public synchronized void close() {
    retirement.close();
    entries.values().forEach(v -> v.servers().close());
  }
}

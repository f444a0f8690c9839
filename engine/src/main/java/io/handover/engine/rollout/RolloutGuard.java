package io.handover.engine.rollout;

import static java.util.Objects.requireNonNull;

import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.Outcomes;
import io.handover.engine.registry.PromotionStage;
import io.handover.engine.registry.RollbackPolicy;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionPolicies;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.telemetry.StickyClientCounts;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the rollout of the newest active version that has an older active version behind it:
 * rolls it back when its failure rate passes its rollback policy, and otherwise promotes it to its
 * next stage when that stage's conditions hold; with {@code retireWhenDrained}, retires the older
 * versions no sticky client uses any more ({@link Drain}).
 *
 * <p>Runs on one daemon thread of its own every 250 ms. It only reads the counters the request
 * path keeps and never blocks it; a change it makes is saved by the registry on this thread.
 * Failures are logged and the next round runs as usual.
 */
public final class RolloutGuard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RolloutGuard.class);
  static final long PERIOD_MILLIS = 250;
  private static final long ERROR_LOG_INTERVAL_MILLIS = 10_000;

  private final VersionRegistry registry;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "handover-rollout-guard");
    t.setDaemon(true);
    return t;
  });
  private long lastErrorLog;
  private long lastSweep;
  private static final long SWEEP_EVERY_MILLIS = 5_000;
  private final FailoverBursts bursts = new FailoverBursts();

  private RolloutGuard(VersionRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** Starts watching. */
  public static RolloutGuard start(VersionRegistry registry) {
    RolloutGuard guard = new RolloutGuard(registry);
    guard.timer.scheduleWithFixedDelay(guard::round, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    return guard;
  }

  private void round() {
    try {
      check();
    } catch (RuntimeException e) {
      long now = System.currentTimeMillis();
      if (now - lastErrorLog >= ERROR_LOG_INTERVAL_MILLIS) {
        lastErrorLog = now;
        log.warn("the rollout check failed; trying again every {} ms", PERIOD_MILLIS, e);
      }
    }
  }

  /** One round: a rollback, else a promotion, of the version under rollout. */
  void check() {
    Snapshot snapshot = registry.snapshot();
    bursts.check(snapshot, System.nanoTime());
    LiveVersion newest = snapshot.newestActive();
    sweepStickyClients(snapshot, newest);
    if (newest == null || snapshot.activeOlderThan(newest) == null) {
      return;
    }
    String failing = rollbackReason(newest);
    if (failing != null) {
      registry.rollBackAutomatically(newest, failing);
      return;
    }
    List<PromotionStage> stages = newest.config().policies().promote();
    int stage = newest.config().rollout().promotionStage();
    if (stage < stages.size() && !newest.config().rollout().paused()) {
      String passed = PromotionCheck.passed(stages.get(stage).when(), newest, System.currentTimeMillis());
      if (passed != null) {
        registry.promoteAutomatically(newest, stage, passed);
        return;
      }
    }
    if (newest.config().policies().retireWhenDrained()) {
      retireDrained(snapshot, newest);
    }
  }

  /** Retires each older active version that no sticky client uses any more. */
  private void retireDrained(Snapshot snapshot, LiveVersion newest) {
    long now = System.currentTimeMillis();
    for (LiveVersion v : snapshot.all()) {
      if (v != newest && v.info().isActive()) {
        Drain drain = Drain.of(newest, v, registry.stickyClients(), now, false);
        if (drain.drained()) {
          registry.retireAutomatically(v, drain.reason());
        }
      }
    }
  }

  /** Every few seconds: forgets the sticky clients idle for longer than they count, and versions that went. */
  private void sweepStickyClients(Snapshot snapshot, LiveVersion newest) {
    long now = System.currentTimeMillis();
    if (now - lastSweep < SWEEP_EVERY_MILLIS) {
      return;
    }
    lastSweep = now;
    StickyClientCounts counts = registry.stickyClients();
    counts.retainOnly(snapshot.all().stream().filter(v -> v.info().isActive()).map(v -> v.info().id()).toList());
    if (newest != null) {
      long idle = VersionPolicies.drainIdleMillis(newest.config().transition());
      snapshot.all().forEach(v -> counts.sweep(v.info().id(), idle));
    }
  }

  /**
   * Why the version should be rolled back, e.g. {@code failure rate 0.92 (46 of 50 requests) over
   * 30 s passed 0.5: Wilson lower bound 0.8116 > 0.5 at 95% confidence}; null when it should not,
   * including while the evidence does not decide yet.
   */
  static String rollbackReason(LiveVersion version) {
    RollbackPolicy policy = version.config().policies().rollbackInForce();
    if (!policy.enabled()) {
      return null;
    }
    Outcomes.Window window = version.outcomes().window(policy.windowSeconds());
    Evidence evidence = RolloutEvidence.rollback(policy, window);
    if (evidence.verdict() != Evidence.Verdict.ABOVE) {
      String endpoint = endpointReason(version, policy);
      return endpoint != null ? endpoint : latencyReason(version, policy);
    }
    return String.format(Locale.ROOT, "failure rate %.2f (%d of %d requests%s) over %d s passed %s: %s", evidence.rate(),
        evidence.failures(), evidence.samples(),
        policy.countMismatches() && window.mismatches() > 0 ? ", " + window.mismatches() + " of them mismatches" : "",
        policy.windowSeconds(), plain(policy.maxFailureRate()), evidence.bounds());
  }

  /**
   * Why one endpoint rolls the version back, e.g. {@code GET /api/cart: 41 % failed (87 of 212
   * requests) over 30 s passed 0.2: ...}: the one whose Wilson lower bound lies furthest above the
   * threshold; null when none does.
   */
  private static String endpointReason(LiveVersion version, RollbackPolicy policy) {
    String worstName = null;
    Evidence worst = null;
    Outcomes.Window worstWindow = null;
    for (Map.Entry<String, Outcomes> e : version.endpoints().windows().entrySet()) {
      Outcomes.Window w = e.getValue().window(policy.windowSeconds());
      Evidence evidence = RolloutEvidence.rollback(policy, w);
      if (evidence.verdict() == Evidence.Verdict.ABOVE && (worst == null || evidence.lower() > worst.lower())) {
        worstName = e.getKey();
        worst = evidence;
        worstWindow = w;
      }
    }
    if (worst == null) {
      return null;
    }
    return String.format(Locale.ROOT, "%s: %.0f %% failed (%d of %d requests%s) over %d s passed %s: %s", worstName, worst.rate() * 100,
        worst.failures(), worst.samples(),
        policy.countMismatches() && worstWindow.mismatches() > 0 ? ", " + worstWindow.mismatches() + " of them mismatches" : "",
        policy.windowSeconds(), plain(policy.maxFailureRate()), worst.bounds());
  }

  /**
   * Why the version's latency rolls it back, e.g. {@code latency over 30 s: 41 of 50 paired requests
   * slower by more than 20 ms (median +35.2 ms): sign test p = 0.0001 < 0.05}; null when it does not.
   */
  private static String latencyReason(LiveVersion version, RollbackPolicy policy) {
    PairedTest test = RolloutEvidence.latency(policy, version);
    if (test == null || test.verdict() != PairedTest.Verdict.SLOWER) {
      return null;
    }
    return "latency over " + policy.windowSeconds() + " s: " + test.numbers();
  }

  /** A rate as written in the config, e.g. {@code 0.5}. */
  static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** Stops watching; waits up to a second for a round under way (and its save) to finish. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

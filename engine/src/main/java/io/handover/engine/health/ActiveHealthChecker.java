package io.handover.engine.health;

import static java.util.Objects.requireNonNull;

import io.handover.engine.registry.BackendTransport;
import io.handover.engine.registry.Server;
import io.handover.engine.registry.HealthCheck;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the servers of every version that has a {@link HealthCheck}: each server is probed on its
 * own schedule and its {@link io.handover.engine.telemetry.ServerHealth#activelyHealthy(boolean)} flag set from the answers. Follows
 * the registry: servers of new or replaced versions are checked from the next snapshot on, those of
 * removed versions no longer.
 *
 * <p>Threads: one daemon scheduler thread that follows the registry and starts probes; the probes
 * are asynchronous {@link HttpClient} calls whose answers are handled on a small executor of their
 * own. Nothing runs on Undertow's IO threads and nothing here blocks the request path.
 */
public final class ActiveHealthChecker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ActiveHealthChecker.class);
  private static final long FOLLOW_MILLIS = 250;

  private final VersionRegistry registry;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("handover-health"));
  private final ExecutorService answers = Executors.newFixedThreadPool(2, daemon("handover-health-http"));
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10))
      .executor(answers)
      .build();
  private final ProbeClients clients = new ProbeClients(client, answers);
  /** Touched only on the timer thread. */
  private final Map<Server, ServerProbe> probes = new IdentityHashMap<>();
  private Snapshot followed;

  private ActiveHealthChecker(VersionRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** Starts checking. */
  public static ActiveHealthChecker start(VersionRegistry registry) {
    ActiveHealthChecker checker = new ActiveHealthChecker(registry);
    checker.timer.scheduleWithFixedDelay(checker::follow, 0, FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
    return checker;
  }

  private void follow() {
    try {
      followSnapshot();
    } catch (RuntimeException e) {
      // a periodic task that throws is never run again
      log.warn("could not follow the registry's changes; trying again in {} ms", FOLLOW_MILLIS, e);
    }
  }

  /** Starts probes for servers that gained a health check and stops those of servers that lost it. */
  private void followSnapshot() {
    Snapshot snapshot = registry.snapshot();
    if (snapshot == followed) {
      return;
    }
    followed = snapshot;
    Map<Server, LiveVersion> wanted = new IdentityHashMap<>();
    for (LiveVersion v : snapshot.all()) {
      if (v.config().policies().healthCheck() != null) {
        v.servers().servers().forEach(b -> wanted.put(b, v));
      }
    }
    probes.entrySet().removeIf(e -> {
      LiveVersion v = wanted.get(e.getKey());
      if (v != null && v.config().policies().healthCheck().equals(e.getValue().check())) {
        return false;
      }
      e.getValue().stop();
      return true;
    });
    wanted.forEach((backend, version) -> probes.computeIfAbsent(backend, b -> {
      BackendTransport transport = version.config().transport();
      ServerProbe probe = new ServerProbe(clients.clientFor(transport), ProbeClients.scheme(transport), answers, b,
          version.info().version().label(), version.config().policies().healthCheck());
      probe.schedule(timer);
      return probe;
    }));
  }

  /** Stops every probe. */
  @Override
  public void close() {
    timer.shutdownNow();
    answers.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

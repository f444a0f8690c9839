package io.handover.engine.health;

import io.handover.engine.registry.Server;
import io.handover.engine.registry.HealthCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health check of one server: {@code GET path} every interval, at most one at a time; 2xx and
 * 3xx pass. Counts passes and failures in a row and flips the server's active health at the
 * thresholds. Started on the checker's timer thread; answers are handled on the checker's executor.
 */
final class ServerProbe {

  private static final Logger log = LoggerFactory.getLogger(ServerProbe.class);

  private final HttpClient client;
  private final Executor answers;
  private final Server backend;
  private final String version;
  private final HealthCheck check;
  private final HttpRequest request;
  private ScheduledFuture<?> task;
  private boolean inFlight;
  private boolean stopped;
  private int passes;
  private int failures;

  ServerProbe(HttpClient client, Executor answers, Server backend, String version, HealthCheck check) {
    this(client, "http", answers, backend, version, check);
  }

  /** Probing over {@code scheme} ({@code https} for a version spoken to in TLS). */
  ServerProbe(HttpClient client, String scheme, Executor answers, Server backend, String version, HealthCheck check) {
    this.client = client;
    this.answers = answers;
    this.backend = backend;
    this.version = version;
    this.check = check;
    this.request = HttpRequest.newBuilder(URI.create(scheme + "://" + backend.address().authority() + check.path()))
        .timeout(Duration.ofMillis(check.timeoutMillis()))
        .header("User-Agent", "handover-health-check")
        .GET()
        .build();
  }

  HealthCheck check() {
    return check;
  }

  void schedule(ScheduledExecutorService timer) {
    task = timer.scheduleWithFixedDelay(this::probe, 0, check.intervalMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    stopped = true;
    if (task != null) {
      task.cancel(false);
    }
  }

  private void probe() {
    synchronized (this) {
      if (inFlight || stopped) {
        return;
      }
      inFlight = true;
    }
    try {
      // async on our executor: the client may otherwise complete on a thread of the common pool
      client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((response, error) -> {
        if (error != null) {
          record(false, error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage()));
        } else {
          int status = response.statusCode();
          record(status >= 200 && status < 400, "status " + status);
        }
      }, answers);
    } catch (RuntimeException e) {
      record(false, e.toString());
    }
  }

  private synchronized void record(boolean passed, String detail) {
    inFlight = false;
    if (stopped) {
      return;
    }
    if (passed) {
      failures = 0;
      passes++;
      if (!backend.health().activelyHealthy() && passes >= check.healthyThreshold()) {
        log.warn("server {} of version {} passed its health check GET {} {} times in a row; it takes traffic again",
            backend.address(), version, check.path(), passes);
        backend.health().activelyHealthy(true);
      }
    } else {
      passes = 0;
      failures++;
      log.debug("health check GET {} of server {} failed: {}", check.path(), backend.address(), detail);
      if (backend.health().activelyHealthy() && failures >= check.unhealthyThreshold()) {
        log.warn("server {} of version {} failed its health check GET {} {} times in a row (last: {}); it takes no traffic until it passes {} times",
            backend.address(), version, check.path(), failures, detail, check.healthyThreshold());
        backend.health().activelyHealthy(false);
      }
    }
  }
}

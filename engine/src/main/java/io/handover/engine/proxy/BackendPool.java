package io.handover.engine.proxy;

import io.handover.engine.registry.ServerAddress;
import io.handover.engine.telemetry.FailureKind;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one version: round robin across those that are available, each with its own pool
 * of keep-alive connections (an Undertow {@link LoadBalancingProxyClient} of one host), and passive
 * health: a server that fails {@code ejectAfterFailures} times in a row is ejected for a back-off
 * that doubles with each ejection and resets once it answers again. Nothing here deletes a server.
 */
public final class BackendPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

  private final Backend[] backends;
  private final AtomicInteger next = new AtomicInteger();

  public BackendPool(List<ServerAddress> servers, PoolSettings settings) {
    this.backends = servers.stream().map(s -> new Backend(s, settings)).toArray(Backend[]::new);
  }

  /** The servers, in configured order. */
  public List<Backend> backends() {
    return List.of(backends);
  }

  /**
   * The next available server in round-robin order that this request has not tried yet, or null
   * when none is left (all tried, ejected or failing their health checks).
   */
  Backend choose(Attempts tried) {
    int n = backends.length;
    int start = Math.floorMod(next.getAndIncrement(), n);
    long now = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Backend b = backends[(start + i) % n];
      if (b.available(now) && !tried.contains(b)) {
        return b;
      }
    }
    return null;
  }

  /** Whether any server may take requests now. */
  public boolean anyAvailable() {
    long now = System.nanoTime();
    for (Backend b : backends) {
      if (b.available(now)) {
        return true;
      }
    }
    return false;
  }

  /** Closes the pooled connections. */
  @Override
  public void close() {
    for (Backend b : backends) {
      b.client.removeHost(b.uri);
    }
  }

  /** One server of a version and what the proxy knows of its health. Thread-safe. */
  public static final class Backend {
    private final ServerAddress address;
    private final URI uri;
    private final LoadBalancingProxyClient client;
    private final PoolSettings settings;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** When the current ejection ends (System.nanoTime); 0 when the server was never ejected. */
    private volatile long ejectedUntilNanos;
    private volatile int ejections;
    private volatile boolean activelyHealthy = true;
    private volatile FailureKind lastFailure;
    private volatile long lastFailureAtMillis;

    Backend(ServerAddress address, PoolSettings settings) {
      this.address = address;
      this.settings = settings;
      this.uri = URI.create("http://" + address.authority());
      this.client = new LoadBalancingProxyClient()
          .setConnectionsPerThread(settings.connectionsPerThread())
          .setMaxQueueSize(settings.maxQueueSize())
          .setProblemServerRetry(settings.problemServerRetrySeconds())
          .setTtl(settings.idleTtlMillis());
      client.addHost(uri);
    }

    public ServerAddress address() {
      return address;
    }

    ProxyClient client() {
      return client;
    }

    boolean available(long nowNanos) {
      long until = ejectedUntilNanos;
      return activelyHealthy && (until == 0 || nowNanos - until >= 0);
    }

    /** Whether passive health has taken this server out right now. */
    public boolean ejected() {
      long until = ejectedUntilNanos;
      return until != 0 && System.nanoTime() - until < 0;
    }

    /** Whether the active health check (if any) says the server is up. */
    public boolean activelyHealthy() {
      return activelyHealthy;
    }

    /** Set by the active health checker, which logs why. */
    public void activelyHealthy(boolean healthy) {
      activelyHealthy = healthy;
    }

    /** How many times in a row the server has failed. */
    public int consecutiveFailures() {
      return consecutiveFailures.get();
    }

    /** A request to this server got an answer (any status it is not blamed for). */
    void succeeded() {
      consecutiveFailures.set(0);
      if (ejections > 0 && !ejected()) {
        ejections = 0;
      }
    }

    /** The last failure the server was blamed for, or null. */
    public FailureKind lastFailure() {
      return lastFailure;
    }

    /** When the last failure happened (epoch millis), or 0. */
    public long lastFailureAtMillis() {
      return lastFailureAtMillis;
    }

    /** A request to this server failed: refused, reset, timed out, or answered 5xx. */
    void failed(FailureKind kind) {
      lastFailure = kind;
      lastFailureAtMillis = System.currentTimeMillis();
      if (consecutiveFailures.incrementAndGet() < settings.ejectAfterFailures()) {
        return;
      }
      consecutiveFailures.set(0);
      int times = Math.min(ejections, 20);
      long backoff = Math.min(settings.maxEjectionMillis(), settings.baseEjectionMillis() << times);
      long until = System.nanoTime() + backoff * 1_000_000;
      ejectedUntilNanos = until == 0 ? 1 : until;
      ejections = times + 1;
      log.warn("server {} ejected for {} ms after {} failures in a row, the last: {}", address, backoff, settings.ejectAfterFailures(), kind.label());
    }
  }
}

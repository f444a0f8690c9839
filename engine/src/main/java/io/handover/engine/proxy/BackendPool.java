package io.handover.engine.proxy;

import com.google.common.base.Ticker;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Server;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.Servers;
import io.handover.engine.telemetry.FailureKind;
import io.handover.engine.telemetry.ServerHealth;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyClient;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one version as the request path uses them: round robin across those that are
 * available, each with its own pool of keep-alive connections (an Undertow
 * {@link LoadBalancingProxyClient} of one host) and its {@link ServerHealth}. Nothing here deletes
 * a server.
 */
public final class BackendPool implements Servers {

  private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

  private final Backend[] backends;
  private final AtomicInteger next = new AtomicInteger();

  public BackendPool(List<ServerAddress> servers, PoolSettings settings, Ticker ticker) {
    ServerHealth.Policy policy = new ServerHealth.Policy(settings.ejectAfterFailures(), settings.baseEjectionMillis(),
        settings.maxEjectionMillis());
    this.backends = servers.stream().map(s -> new Backend(s, settings, new ServerHealth(policy, ticker))).toArray(Backend[]::new);
  }

  /** What the registry calls to give each new version its servers. */
  public static Servers.Factory factory(PoolSettings settings) {
    return config -> new BackendPool(config.servers(), settings, Ticker.systemTicker());
  }

  /** The pool of a version, which the registry made through {@link #factory}. */
  static BackendPool of(LiveVersion version) {
    return (BackendPool) version.servers();
  }

  @Override
  public List<Backend> servers() {
    return List.of(backends);
  }

  /**
   * The next available server in round-robin order that this request has not tried yet, or null
   * when none is left (all tried, ejected or failing their health checks).
   */
  Backend choose(Attempts tried) {
    int n = backends.length;
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Backend b = backends[(start + i) % n];
      if (b.health.available() && !tried.contains(b)) {
        return b;
      }
    }
    return null;
  }

  /** Closes the pooled connections. */
  @Override
  public void close() {
    for (Backend b : backends) {
      b.client.removeHost(b.uri);
    }
  }

  /** One server of a version, its connections and its health. Thread-safe. */
  public static final class Backend implements Server {
    private final ServerAddress address;
    private final URI uri;
    private final LoadBalancingProxyClient client;
    private final ServerHealth health;

    Backend(ServerAddress address, PoolSettings settings, ServerHealth health) {
      this.address = address;
      this.health = health;
      this.uri = URI.create("http://" + address.authority());
      this.client = new LoadBalancingProxyClient()
          .setConnectionsPerThread(settings.connectionsPerThread())
          .setMaxQueueSize(settings.maxQueueSize())
          .setProblemServerRetry(settings.problemServerRetrySeconds())
          .setTtl(settings.idleTtlMillis());
      // one host per client: no sticky route to find, so no request's cookies are parsed for one
      client.removeSessionCookieName("JSESSIONID");
      client.addHost(uri);
    }

    @Override
    public ServerAddress address() {
      return address;
    }

    @Override
    public ServerHealth health() {
      return health;
    }

    ProxyClient client() {
      return client;
    }

    void succeeded() {
      health.succeeded();
    }

    void failed(FailureKind kind) {
      ServerHealth.Ejection ejection = health.failed(kind);
      if (ejection != null) {
        log.warn("server {} ejected for {} ms after {} failures in a row, the last: {}", address, ejection.forMillis(),
            ejection.afterFailures(), kind.label());
      }
    }
  }
}

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
import io.handover.engine.telemetry.ServerMeters;
import io.handover.engine.telemetry.VersionMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
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
  private final VersionMeters meters;
  /** Ends the version's in-flight count and times the request; one instance for all its requests. */
  private final ExchangeCompletionListener completion;

  /** Servers without series (meters that count nowhere). */
  public BackendPool(List<ServerAddress> servers, PoolSettings settings, Ticker ticker) {
    this("", servers, settings, ticker, new SimpleMeterRegistry());
  }

  BackendPool(String version, List<ServerAddress> servers, PoolSettings settings, Ticker ticker, MeterRegistry registry) {
    ServerHealth.Policy policy = new ServerHealth.Policy(settings.ejectAfterFailures(), settings.baseEjectionMillis(),
        settings.maxEjectionMillis());
    this.backends = servers.stream().map(s -> {
      ServerHealth health = new ServerHealth(policy, ticker);
      return new Backend(s, settings, health, new ServerMeters(registry, version, s.authority(), health));
    }).toArray(Backend[]::new);
    this.meters = new VersionMeters(registry, version);
    this.completion = (exchange, next) -> {
      meters.completed(exchange.getStatusCode(), System.nanoTime() - exchange.getRequestStartTime());
      next.proceed();
    };
  }

  /**
   * What the registry calls to give each new version its servers, with their series in
   * {@code registry} (removed when the version goes).
   */
  public static Servers.Factory factory(PoolSettings settings, MeterRegistry registry) {
    return config -> new BackendPool(config.version().label(), config.servers(), settings, Ticker.systemTicker(), registry);
  }

  /** The version's request-path series. */
  VersionMeters meters() {
    return meters;
  }

  /**
   * Counts a request the strategy routed to this version until it completes. Needs the listener's
   * {@code RECORD_REQUEST_START_TIME} option.
   */
  void track(HttpServerExchange exchange) {
    meters.started();
    exchange.addExchangeCompleteListener(completion);
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

  /** Closes the pooled connections and removes the series. */
  @Override
  public void close() {
    for (Backend b : backends) {
      b.client.removeHost(b.uri);
      b.meters.close();
    }
    meters.close();
  }

  /** One server of a version, its connections and its health. Thread-safe. */
  public static final class Backend implements Server {
    private final ServerAddress address;
    private final URI uri;
    private final LoadBalancingProxyClient client;
    private final ServerHealth health;
    private final ServerMeters meters;

    Backend(ServerAddress address, PoolSettings settings, ServerHealth health, ServerMeters meters) {
      this.address = address;
      this.health = health;
      this.meters = meters;
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

    ServerMeters meters() {
      return meters;
    }

    void succeeded() {
      health.succeeded();
    }

    void failed(FailureKind kind) {
      ServerHealth.Ejection ejection = health.failed(kind);
      if (ejection != null) {
        log.warn("server {} ejected for {} ms (ejection {} in a row, {} in all) after {} failures in a row, the last: {}", address,
            ejection.forMillis(), health.ejections(), health.totalEjections(), ejection.afterFailures(), kind.label());
      }
    }
  }
}

package io.handover.engine.proxy;

import com.google.common.base.Ticker;
import io.handover.engine.registry.BackendTransport;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Server;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.Servers;
import io.handover.engine.telemetry.FailureKind;
import io.handover.engine.telemetry.ServerHealth;
import io.handover.engine.tls.BackendTls;
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
    this(version, servers, settings, ticker, registry, BackendTransport.PLAIN);
  }

  /** Servers spoken to as {@code transport} says: TLS, HTTP/2. */
  BackendPool(String version, List<ServerAddress> servers, PoolSettings settings, Ticker ticker, MeterRegistry registry,
      BackendTransport transport) {
    BackendTls tls = BackendTls.of(transport);
    ServerHealth.Policy policy = new ServerHealth.Policy(settings.ejectAfterFailures(), settings.baseEjectionMillis(),
        settings.maxEjectionMillis());
    this.backends = servers.stream().map(s -> {
      ServerHealth health = new ServerHealth(policy, ticker);
      return new Backend(s, settings, health, new ServerMeters(registry, version, s.authority(), health), tls);
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
    return config -> new BackendPool(config.version().label(), config.servers(), settings, Ticker.systemTicker(), registry,
        config.transport());
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
      b.close();
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
    private final PoolSettings settings;
    private final BackendTls tls;
    private LoadBalancingProxyClient http2Client;
    private URI http2Uri;

    Backend(ServerAddress address, PoolSettings settings, ServerHealth health, ServerMeters meters, BackendTls tls) {
      this.address = address;
      this.health = health;
      this.meters = meters;
      this.settings = settings;
      this.tls = tls;
      this.uri = URI.create(tls.scheme() + "://" + address.authority());
      this.client = client(uri, tls);
      meters.connections(this, Backend::openConnections);
    }

    /** The connections open to the server, in both pools; -1 when Undertow's pool cannot be read. */
    int openConnections() {
      int open = PoolConnections.open(client);
      LoadBalancingProxyClient h2;
      synchronized (this) {
        h2 = http2Client;
      }
      int more = h2 == null ? 0 : PoolConnections.open(h2);
      return open < 0 || more < 0 ? -1 : open + more;
    }

    private LoadBalancingProxyClient client(URI uri, BackendTls tls) {
      LoadBalancingProxyClient c = new LoadBalancingProxyClient()
          .setConnectionsPerThread(settings.connectionsPerThread())
          .setMaxQueueSize(settings.maxQueueSize())
          .setProblemServerRetry(settings.problemServerRetrySeconds())
          .setTtl(settings.idleTtlMillis());
      // one host per client: no sticky route to find, so no request's cookies are parsed for one
      c.removeSessionCookieName("JSESSIONID");
      c.addHost(uri, null, tls.ssl(), tls.options());
      return c;
    }

    /**
     * The connections for gRPC calls, which need HTTP/2: those of the version when it is spoken to
     * in HTTP/2, else a second pool in HTTP/2 (h2c, or h2 over its TLS), made at the first call.
     */
    synchronized ProxyClient http2Client() {
      BackendTls h2 = tls.http2();
      if (h2 == tls) {
        return client;
      }
      if (http2Client == null) {
        http2Uri = URI.create(h2.scheme() + "://" + address.authority());
        http2Client = client(http2Uri, h2);
      }
      return http2Client;
    }

    synchronized void close() {
      client.removeHost(uri);
      if (http2Client != null) {
        http2Client.removeHost(http2Uri);
      }
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

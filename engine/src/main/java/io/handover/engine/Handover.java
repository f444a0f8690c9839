package io.handover.engine;

import static java.util.Objects.requireNonNull;

import io.handover.engine.admin.AdminHandler;
import io.handover.engine.admin.AdminReports;
import io.handover.engine.config.FileClusterStore;
import io.handover.engine.container.ContainerSupervisor;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.health.ActiveHealthChecker;
import io.handover.engine.cookie.HmacCookieSigner;
import io.handover.engine.plugin.PluginLoader;
import io.handover.engine.plugin.PluginRegistry;
import io.handover.engine.proxy.BackendPool;
import io.handover.engine.proxy.ClientLimits;
import io.handover.engine.proxy.ProxyListener;
import io.handover.engine.proxy.RequestLimits;
import io.handover.engine.proxy.UpgradeProxyHandler;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ClusterStore;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.rollout.RolloutGuard;
import io.handover.engine.store.EtcdClusterStore;
import io.handover.engine.store.StoreRefusedException;
import io.handover.engine.config.OperationsSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.ConnectorStatistics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;

/**
 * A running proxy: the proxy listener, the admin listener and the version registry between them,
 * with the rollout guard and the active health checker watching the versions. Start with
 * {@link #start}, stop with {@link #close}.
 */
public final class Handover implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Handover.class);
  private static final long DRAIN_MILLIS = 60_000;
  /** A stop waits this long without a new request before it closes the connections still open. */
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final VersionRegistry registry;
  private final PluginRegistry plugins;
  private final UpgradeProxyHandler proxyHandler;
  private final ProxyListener proxyServer;
  private final Undertow adminServer;
  private final RolloutGuard guard;
  private final ActiveHealthChecker healthChecker;
  private final FileClusterStore stateFile;
  private final ContainerSupervisor containers;
  private final EtcdClusterStore etcd;
  private final PrometheusMeterRegistry meters;
  private final OperationsSettings operations;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Handover(VersionRegistry registry, PluginRegistry plugins, UpgradeProxyHandler proxyHandler,
      ProxyListener proxyServer, Undertow adminServer, RolloutGuard guard, ActiveHealthChecker healthChecker,
      FileClusterStore stateFile, ContainerSupervisor containers, EtcdClusterStore etcd, PrometheusMeterRegistry meters,
      OperationsSettings operations) {
    this.meters = meters;
    this.operations = operations;
    this.stateFile = stateFile;
    this.containers = containers;
    this.etcd = etcd;
    this.registry = registry;
    this.guard = guard;
    this.healthChecker = healthChecker;
    this.proxyHandler = proxyHandler;
    this.plugins = plugins;
    this.proxyServer = proxyServer;
    this.adminServer = adminServer;
  }

  /**
   * Starts a proxy. The state file's versions win over the config's when the file exists, even when
   * it holds none; with {@code store.etcd}, etcd's versions win the same way and the state file is
   * not used.
   *
   * @throws IOException when the state file cannot be read or another instance holds it
   * @throws StoreRefusedException when etcd cannot be reached, or the cookie secret is not the cluster's
   * @throws io.handover.engine.plugin.PluginException when the plugins conflict
   * @throws RuntimeException when a port cannot be bound
   */
  public static Handover start(HandoverConfig config) throws IOException {
    return start(config, false);
  }

  /**
   * Starts a proxy; a {@code successor} is started to replace a running instance on the same ports
   * and state file (a self-upgrade, see {@code docs/operations.md}): it serves at once with what the
   * state file holds, takes admin changes once the instance it replaces has let the file go, and
   * sends that instance SIGTERM as soon as it listens.
   */
  public static Handover start(HandoverConfig config, boolean successor) throws IOException {
    requireNonNull(config, "config is null");
    if (config.etcd() != null) {
      if (config.cookieSecret() == null) {
        throw new StoreRefusedException("store.etcd needs a cookieSecret: every instance must sign sticky cookies with the same key", null);
      }
      if (config.stateFile() != null) {
        log.warn("stateFile {} is not used: the versions are kept in etcd", config.stateFile());
      }
      EtcdClusterStore etcd = EtcdClusterStore.connect(config.etcd(), config.cookieSecret());
      try {
        return start(config, null, etcd);
      } catch (IOException | RuntimeException e) {
        etcd.close();
        throw e;
      }
    }
    // first, so that a second instance on the same state file stops before anything else
    FileClusterStore stateFile = config.stateFile() == null ? null
        : successor ? FileClusterStore.openAsSuccessor(config.stateFile()) : FileClusterStore.open(config.stateFile());
    try {
      Handover handover = start(config, stateFile, null);
      long predecessor = stateFile == null ? -1 : stateFile.predecessor();
      if (predecessor > 0) {
        log.info("listening beside the instance it replaces (pid {}): sending it SIGTERM", predecessor);
        ProcessHandle.of(predecessor).ifPresent(ProcessHandle::destroy);
      }
      return handover;
    } catch (IOException | RuntimeException e) {
      if (stateFile != null) {
        stateFile.close();
      }
      throw e;
    }
  }

  private static Handover start(HandoverConfig config, FileClusterStore stateFile, EtcdClusterStore etcd) throws IOException {
    Clock clock = Clock.systemUTC();
    HmacCookieSigner signer;
    if (config.cookieSecret() == null) {
      log.info("no cookieSecret configured: sticky cookies are signed with a random key valid for this process only");
      signer = HmacCookieSigner.random();
    } else {
      signer = HmacCookieSigner.fromSecret(config.cookieSecret());
    }
    PluginRegistry plugins = PluginLoader.load(config.pluginsDir(), signer, clock);
    ClusterStore store = etcd != null ? etcd : stateFile == null ? ClusterStore.none() : stateFile;
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindProcessMeters(meters);
    MeterRegistry requestMeters = meters;
    if (!config.operations().metrics()) {
      // every request-path meter becomes a no-op
      requestMeters = new SimpleMeterRegistry();
      requestMeters.config().meterFilter(MeterFilter.deny());
    }
    VersionRegistry registry = new VersionRegistry(plugins, BackendPool.factory(config.pool(), requestMeters), store, DRAIN_MILLIS);
    int restored = registry.restore();
    if (etcd != null) {
      if (!registry.seed(config.clusters())) {
        log.info("took {} versions from etcd under {}", restored, config.etcd().prefix());
      }
      registry.follow();
    } else if (stateFile != null && stateFile.exists()) {
      // the file wins even when it holds no versions: every one of them was deleted
      log.info("restored {} versions from {}", restored, config.stateFile());
      if (!stateFile.holdsLock()) {
        // a successor: takes the file on again once the instance it replaces has let it go
        registry.follow();
      }
    } else {
      for (ClusterConfig cluster : config.clusters()) {
        registry.put(cluster);
      }
    }

    ContainerSupervisor containers = ContainerSupervisor.start(registry, config.containers());
    UpgradeProxyHandler proxyHandler = new UpgradeProxyHandler(registry, config.proxySettings(), config.operations().accessLog(),
        config.operations().accessLogJson());
    ClientLimits limits = config.proxySettings().limits();
    ProxyListener proxyServer;
    try {
      proxyServer = ProxyListener.start(config.proxy().bindAddress(), config.proxy().port(), config.ioThreads(),
          OptionMap.builder()
              .set(Options.BACKLOG, 4096)
              // at the limit the listener stops accepting until one closes; XNIO shares both marks among
              // the IO threads (and swaps them per thread), so equal marks are the only exact limit
              .set(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
              .set(Options.CONNECTION_LOW_WATER, limits.maxConnections())
              .getMap(),
          OptionMap.builder()
              .set(UndertowOptions.ALWAYS_SET_DATE, true)
              // the start of each request, for its version's duration histogram
              .set(UndertowOptions.RECORD_REQUEST_START_TIME, true)
              .set(UndertowOptions.ENABLE_STATISTICS, config.operations().metrics())
              .set(UndertowOptions.MAX_ENTITY_SIZE, config.proxySettings().maxRequestBodyBytes())
              // twice the proxy's own limits, so that heads between the two get RequestLimits' precise
              // 414/431; past these Undertow's parser answers 400 and closes before buffering more
              .set(UndertowOptions.MAX_HEADER_SIZE, 2 * (limits.maxUriBytes() + limits.maxHeaderBytes()))
              .set(UndertowOptions.MAX_HEADERS, 2 * limits.maxHeaderCount())
              .set(UndertowOptions.MAX_COOKIES, limits.maxCookies())
              .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, false)
              .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, limits.headerReadTimeoutMillis())
              .set(UndertowOptions.NO_REQUEST_TIMEOUT, limits.keepAliveTimeoutMillis())
              .getMap(),
          // answers a client's Expect: 100-continue as soon as the proxy starts reading the body
          new RequestLimits(new HttpContinueReadHandler(proxyHandler), config.proxySettings()));
    } catch (RuntimeException e) {
      proxyHandler.close();
      containers.close();
      registry.close();
      throw e;
    }
    Lifecycle lifecycle = new Lifecycle();
    AdminHandler adminHandler = new AdminHandler(registry, config.adminSettings(), clock, new AdminReports(registry, plugins, containers::status),
        meters, () -> lifecycle.notReadyBecause(registry, proxyHandler));
    Undertow adminServer = Undertow.builder()
        .addHttpListener(config.admin().port(), config.admin().bindAddress())
        .setIoThreads(1)
        .setWorkerThreads(4)
        // the proxy's deadlines: a head, a body or an idle connection that stalls is closed
        .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, limits.headerReadTimeoutMillis())
        .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, limits.keepAliveTimeoutMillis())
        .setSocketOption(Options.READ_TIMEOUT, limits.bodyReadTimeoutMillis())
        .setHandler(adminHandler)
        .build();
    if (config.adminSettings().token() == null && !isLoopback(config.admin().bindAddress())) {
      log.warn("the admin API listens on {} without a token: anyone who can reach it can change the versions;"
          + " set configService.token, configService.tokenFile or HANDOVER_TOKEN", config.admin().bindAddress());
    }
    try {
      adminServer.start();
    } catch (RuntimeException e) {
      proxyServer.close();
      proxyHandler.close();
      containers.close();
      registry.close();
      throw e;
    }
    Handover handover = new Handover(registry, plugins, proxyHandler, proxyServer, adminServer,
        RolloutGuard.start(registry), ActiveHealthChecker.start(registry), stateFile, containers, etcd, meters, config.operations());
    bindListenerMeters(meters, "proxy", proxyServer);
    lifecycle.started = true;
    if (etcd != null) {
      try {
        etcd.join(InetAddress.getLocalHost().getHostName() + ":" + handover.proxyAddress().getPort(),
            hostAndPort(handover.proxyAddress()), hostAndPort(handover.adminAddress()), version());
      } catch (IOException | RuntimeException e) {
        handover.close();
        throw e;
      }
    }
    log.info("proxy listening on {}, admin API on {}, {} versions, modes: {}",
        handover.proxyAddress(), handover.adminAddress(), registry.list().size(), String.join(", ", plugins.strategyNames()));
    return handover;
  }

  /** Whether the proxy should get traffic; see {@code GET /readyz}. */
  private static final class Lifecycle {
    volatile boolean started;

    String notReadyBecause(VersionRegistry registry, UpgradeProxyHandler proxy) {
      if (!started) {
        return "starting";
      }
      if (proxy.draining()) {
        return "shutting down";
      }
      return registry.snapshot().newestActive() == null ? "no version is active" : null;
    }
  }

  private static void bindProcessMeters(MeterRegistry meters) {
    new ClassLoaderMetrics().bindTo(meters);
    // heap, non-heap and the direct and mapped buffer pools
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
  }

  private static void bindListenerMeters(MeterRegistry meters, String name, ProxyListener server) {
    ConnectorStatistics stats = server.connectorStatistics();
    if (stats != null) {
      Tags tags = Tags.of("listener", name, "protocol", "http");
      Gauge.builder("handover.listener.connections", stats, ConnectorStatistics::getActiveConnections)
          .description("Client connections open on the listener").tags(tags).register(meters);
      FunctionCounter.builder("handover.listener.received.bytes", stats, ConnectorStatistics::getBytesReceived)
          .description("Bytes read from clients").tags(tags).register(meters);
      FunctionCounter.builder("handover.listener.sent.bytes", stats, ConnectorStatistics::getBytesSent)
          .description("Bytes written to clients").tags(tags).register(meters);
    }
  }

  private static String hostAndPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** This build's version, or {@code dev} outside a packaged jar. */
  private static String version() {
    String version = Handover.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The address the proxy listens on (with the real port when 0 was asked for). */
  public InetSocketAddress proxyAddress() {
    return proxyServer.address();
  }

  /** The address the admin API listens on. */
  public InetSocketAddress adminAddress() {
    return (InetSocketAddress) adminServer.getListenerInfo().get(0).getAddress();
  }

  public VersionRegistry registry() {
    return registry;
  }

  public PluginRegistry plugins() {
    return plugins;
  }

  /** The bytes of request bodies held in memory right now (bounded by maxBufferedBodyBytesTotal). */
  public long heldRequestBodyBytes() {
    return proxyHandler.heldBodyBytes();
  }

  /** How many routing decisions strategies failed to make (and the engine made instead). */
  public long strategyFailures() {
    return proxyHandler.strategyFailures();
  }

  /** The meters {@code /metrics} shows. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** Client connections open on the proxy listeners; 0 when metrics (and so connection statistics) are off. */
  private long openConnections() {
    ConnectorStatistics stats = proxyServer.connectorStatistics();
    return stats == null ? 0 : stats.getActiveConnections();
  }

  /** Requests routed to a version and not yet complete. */
  public int requestsInFlight() {
    return proxyHandler.inFlight();
  }

  /**
   * Stops gracefully: the proxy listeners stop accepting at once (so that a successor bound to the
   * same ports gets every new connection), {@code /readyz} answers 503, answers from now on close
   * their connections, and requests in flight get up to {@code shutdownGraceMillis} to complete;
   * then everything is closed. Blocks; returns whether every request completed in time.
   */
  public boolean shutdown() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(operations.shutdownGraceMillis());
    proxyHandler.drain();
    proxyServer.stopAccepting();
    // Done when no request is in flight and the kept-alive connections have gone (each closes
    // after its next answer), or none brought a request for a while: closing a connection the
    // moment a client sends on it would fail that request.
    int left;
    while (((left = proxyHandler.inFlight() + proxyHandler.openUpgrades()) > 0 || openConnections() > 0 && proxyHandler.nanosSinceLastRequestWhileDraining() < QUIET_NANOS)
        && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (left > 0) {
      log.warn("stopping with {} requests still in flight and {} upgraded connections (WebSocket) open after the grace period of {} ms",
          proxyHandler.inFlight(), proxyHandler.openUpgrades(), operations.shutdownGraceMillis());
    } else {
      log.info("every request in flight completed; stopping ({} idle connections left)", openConnections());
    }
    close();
    return left == 0;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    guard.close();
    healthChecker.close();
    adminServer.stop();
    if (etcd != null) {
      // before the registry closes, so that nothing saved elsewhere arrives meanwhile
      etcd.close();
    }
    proxyServer.close();
    proxyHandler.close();
    containers.close();
    registry.close();
    if (stateFile != null) {
      try {
        stateFile.close();
      } catch (IOException e) {
        log.warn("could not release the state file lock: {}", e.getMessage());
      }
    }
  }
}

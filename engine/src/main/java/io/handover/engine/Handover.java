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
import io.undertow.Undertow;
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

  private Handover(VersionRegistry registry, PluginRegistry plugins, UpgradeProxyHandler proxyHandler,
      ProxyListener proxyServer, Undertow adminServer, RolloutGuard guard, ActiveHealthChecker healthChecker,
      FileClusterStore stateFile, ContainerSupervisor containers, EtcdClusterStore etcd) {
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
    FileClusterStore stateFile = config.stateFile() == null ? null : FileClusterStore.open(config.stateFile());
    try {
      return start(config, stateFile, null);
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
    VersionRegistry registry = new VersionRegistry(plugins, BackendPool.factory(config.pool()), store, DRAIN_MILLIS);
    int restored = registry.restore();
    if (etcd != null) {
      if (!registry.seed(config.clusters())) {
        log.info("took {} versions from etcd under {}", restored, config.etcd().prefix());
      }
      registry.follow();
    } else if (stateFile != null && stateFile.exists()) {
      // the file wins even when it holds no versions: every one of them was deleted
      log.info("restored {} versions from {}", restored, config.stateFile());
    } else {
      for (ClusterConfig cluster : config.clusters()) {
        registry.put(cluster);
      }
    }

    ContainerSupervisor containers = ContainerSupervisor.start(registry, config.containers());
    UpgradeProxyHandler proxyHandler = new UpgradeProxyHandler(registry, config.proxySettings());
    ClientLimits limits = config.proxySettings().limits();
    ProxyListener proxyServer;
    try {
      proxyServer = ProxyListener.start(config.proxy().bindAddress(), config.proxy().port(), config.ioThreads(),
          OptionMap.builder()
              .set(Options.BACKLOG, 4096)
              // past the high water mark the listener stops accepting until connections fall to the low one
              .set(Options.CONNECTION_HIGH_WATER, limits.maxConnections())
              .set(Options.CONNECTION_LOW_WATER, Math.max(1, limits.maxConnections() * 9 / 10))
              .getMap(),
          OptionMap.builder()
              .set(UndertowOptions.ALWAYS_SET_DATE, true)
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
    AdminHandler adminHandler = new AdminHandler(registry, config.adminSettings(), clock, new AdminReports(registry, plugins, containers::status));
    Undertow adminServer = Undertow.builder()
        .addHttpListener(config.admin().port(), config.admin().bindAddress())
        .setIoThreads(1)
        .setWorkerThreads(4)
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
        RolloutGuard.start(registry), ActiveHealthChecker.start(registry), stateFile, containers, etcd);
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

  @Override
  public void close() {
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

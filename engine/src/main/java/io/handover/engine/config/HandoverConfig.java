package io.handover.engine.config;

import static java.util.Objects.requireNonNull;

import io.handover.engine.container.ContainerSettings;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.tls.ListenerTls;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the proxy starts with; see {@code docs/configuration.md} for the file format.
 *
 * @param proxy where the proxy listens and how it treats requests
 * @param admin where the admin API listens and its limits
 * @param clusters the versions to start with (ignored when the state file has some)
 * @param stateFile where accepted changes are saved, or null to keep them in memory only
 * @param cookieSecret the key that signs sticky cookies, or null for a random one per process
 * @param pluginsDir the folder plugin JARs are loaded from, or null for built-ins only
 * @param containers the container engine and how versions' containers are run
 * @param etcd the etcd store shared with other instances, or null for the state file (or none)
 * @param operations metrics, the access log and how a stop drains
 */
public record HandoverConfig(
    Listener proxy,
    ProxySettings proxySettings,
    PoolSettings pool,
    Listener admin,
    AdminSettings adminSettings,
    List<ClusterConfig> clusters,
    Path stateFile,
    String cookieSecret,
    Path pluginsDir,
    int ioThreads,
    ContainerSettings containers,
    EtcdSettings etcd,
    OperationsSettings operations) {

  public HandoverConfig {
    clusters = List.copyOf(clusters);
    requireNonNull(containers, "containers is null");
    requireNonNull(operations, "operations is null");
  }

  /** With the container engine of the environment and no etcd store. */
  public HandoverConfig(Listener proxy, ProxySettings proxySettings, PoolSettings pool, Listener admin, AdminSettings adminSettings,
      List<ClusterConfig> clusters, Path stateFile, String cookieSecret, Path pluginsDir, int ioThreads) {
    this(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads,
        ContainerSettings.defaults(), null, OperationsSettings.DEFAULT);
  }

  /**
   * A host and port to listen on; port 0 picks a free port.
   *
   * @param tls a TLS listener beside the plain one (for the admin API: instead of it), or null
   * @param h2c whether the plain port also takes HTTP/2 with prior knowledge (and the h2c upgrade)
   */
  public record Listener(String bindAddress, int port, ListenerTls tls, boolean h2c) {

    public Listener(String bindAddress, int port) {
      this(bindAddress, port, null, false);
    }

    public Listener withTls(ListenerTls tls) {
      return new Listener(bindAddress, port, tls, h2c);
    }

    public Listener withH2c(boolean h2c) {
      return new Listener(bindAddress, port, tls, h2c);
    }
  }

  /** Defaults: proxy on 0.0.0.0:8080, admin API on 127.0.0.1:9090, no versions. */
  public static HandoverConfig defaults() {
    return new HandoverConfig(
        new Listener("0.0.0.0", 8080), ProxySettings.DEFAULT, PoolSettings.DEFAULT,
        new Listener("127.0.0.1", 9090), AdminSettings.DEFAULT, List.of(), null, null, null,
        Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /** Both listeners on loopback with free ports, for tests and embedding. */
  public static HandoverConfig ephemeral() {
    HandoverConfig d = defaults();
    return d.withListeners(new Listener("127.0.0.1", 0), new Listener("127.0.0.1", 0));
  }

  public HandoverConfig withListeners(Listener proxy, Listener admin) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withClusters(List<ClusterConfig> clusters) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withStateFile(Path stateFile) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withPluginsDir(Path pluginsDir) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withCookieSecret(String cookieSecret) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withProxySettings(ProxySettings proxySettings) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withPool(PoolSettings pool) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withContainers(ContainerSettings containers) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withEtcd(EtcdSettings etcd) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withAdminSettings(AdminSettings adminSettings) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }

  public HandoverConfig withOperations(OperationsSettings operations) {
    return new HandoverConfig(proxy, proxySettings, pool, admin, adminSettings, clusters, stateFile, cookieSecret, pluginsDir, ioThreads, containers, etcd, operations);
  }
}

package io.handover.engine.proxy;

import io.handover.engine.registry.ServerAddress;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyClient;
import java.net.URI;
import java.util.List;

/**
 * The servers of one version behind Undertow's load-balancing client: round robin across them,
 * pooled keep-alive connections, and a server that refused a connection skipped for a while.
 */
public final class BackendPool implements AutoCloseable {

  private final LoadBalancingProxyClient client;
  private final List<URI> uris;

  public BackendPool(List<ServerAddress> servers, PoolSettings settings) {
    this.client = new LoadBalancingProxyClient()
        .setConnectionsPerThread(settings.connectionsPerThread())
        .setMaxQueueSize(settings.maxQueueSize())
        .setProblemServerRetry(settings.problemServerRetrySeconds())
        .setTtl(settings.idleTtlMillis());
    this.uris = servers.stream().map(s -> URI.create("http://" + s.authority())).toList();
    uris.forEach(client::addHost);
  }

  ProxyClient client() {
    return client;
  }

  /** Closes the pooled connections. */
  @Override
  public void close() {
    uris.forEach(client::removeHost);
  }
}

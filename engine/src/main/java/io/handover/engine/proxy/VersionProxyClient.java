package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ProxyClient} Undertow's proxy handler asks for connections, for requests whose bodies
 * are streamed rather than buffered: each attempt takes the next server its {@link Route} offers
 * (the chosen version's, then older versions'), and Undertow retries on the next one when a
 * connection cannot be had.
 */
final class VersionProxyClient implements ProxyClient {

  /** Allows one retry per server of every version; Undertow stops retrying after that. */
  private record Target(int getMaxRetries) implements ProxyClient.MaxRetriesProxyTarget {}

  @Override
  public ProxyTarget findTarget(HttpServerExchange exchange) {
    Route route = exchange.getAttachment(Route.KEY);
    return route == null ? null : new Target(route.snapshot.serverCount());
  }

  @Override
  public void getConnection(
      ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
    Route route = exchange.getAttachment(Route.KEY);
    BackendPool.Backend backend = route.nextBackend();
    if (backend == null) {
      callback.couldNotResolveBackend(exchange);
      return;
    }
    var version = route.version;
    backend.client().getConnection(target, exchange, new ProxyCallback<>() {
      @Override
      public void completed(HttpServerExchange ex, ProxyConnection result) {
        callback.completed(ex, result);
      }

      @Override
      public void failed(HttpServerExchange ex) {
        backend.failed();
        version.outcomes().failure();
        callback.failed(ex);
      }

      @Override
      public void couldNotResolveBackend(HttpServerExchange ex) {
        failed(ex);
      }

      @Override
      public void queuedRequestFailed(HttpServerExchange ex) {
        callback.queuedRequestFailed(ex);
      }
    }, timeout, unit);
  }

  @Override
  public List<ProxyTarget> getAllTargets() {
    return List.of();
  }
}

package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ProxyClient} Undertow's proxy handler asks for connections: it hands each request to
 * the pool of the version its {@link Route} names, and when every server of that version has failed
 * for this request, moves the request to the next older active version.
 */
final class VersionProxyClient implements ProxyClient {

  /** Allows one retry per server of every version; Undertow stops retrying after that. */
  private static final class Target implements ProxyClient.MaxRetriesProxyTarget {
    private final int retries;

    Target(int retries) {
      this.retries = retries;
    }

    @Override
    public int getMaxRetries() {
      return retries;
    }
  }

  private static final Target[] TARGETS = new Target[64];

  static {
    for (int i = 0; i < TARGETS.length; i++) {
      TARGETS[i] = new Target(i);
    }
  }

  @Override
  public ProxyTarget findTarget(HttpServerExchange exchange) {
    Route route = exchange.getAttachment(Route.KEY);
    if (route == null) {
      return null;
    }
    int retries = route.snapshot.serverCount();
    return retries < TARGETS.length ? TARGETS[retries] : new Target(retries);
  }

  @Override
  public void getConnection(
      ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
    Route route = exchange.getAttachment(Route.KEY);
    route.version.pool().client().getConnection(target, exchange, new ProxyCallback<>() {
      @Override
      public void completed(HttpServerExchange ex, ProxyConnection result) {
        callback.completed(ex, result);
      }

      @Override
      public void failed(HttpServerExchange ex) {
        callback.failed(ex);
      }

      @Override
      public void couldNotResolveBackend(HttpServerExchange ex) {
        // every server of this version has been tried (or is skipped as a problem server)
        if (route.failover()) {
          getConnection(target, ex, callback, timeout, unit);
        } else {
          callback.couldNotResolveBackend(ex);
        }
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

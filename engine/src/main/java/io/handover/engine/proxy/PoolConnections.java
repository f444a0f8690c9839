package io.handover.engine.proxy;

import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a {@link LoadBalancingProxyClient} holds open to its hosts, for the
 * {@code handover_server_connections} gauge. Undertow counts them in its connection pool but does
 * not publish the count, so it is read through reflection, only when the series is scraped: the
 * request path does nothing for it. Should a later Undertow lay its pool out otherwise, the count
 * is -1 and that is logged once.
 */
final class PoolConnections {

  private static final Logger log = LoggerFactory.getLogger(PoolConnections.class);
  private static final Field HOSTS;
  private static final Field POOL;
  private static final Field OPEN;

  static {
    Field hosts = null;
    Field pool = null;
    Field open = null;
    try {
      hosts = LoadBalancingProxyClient.class.getDeclaredField("hosts");
      hosts.setAccessible(true);
      Class<?> host = Class.forName(LoadBalancingProxyClient.class.getName() + "$Host");
      pool = host.getDeclaredField("connectionPool");
      pool.setAccessible(true);
      open = pool.getType().getDeclaredField("openConnections");
      open.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("handover_server_connections is -1: Undertow's connection pool cannot be read ({})", e.toString());
      hosts = null;
    }
    HOSTS = hosts;
    POOL = pool;
    OPEN = open;
  }

  private PoolConnections() {}

  /** The connections open to every host of {@code client}; -1 when they cannot be read. Any thread. */
  static int open(LoadBalancingProxyClient client) {
    if (HOSTS == null) {
      return -1;
    }
    try {
      int sum = 0;
      for (Object host : (Object[]) HOSTS.get(client)) {
        sum += ((AtomicInteger) OPEN.get(POOL.get(host))).get();
      }
      return sum;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }
}

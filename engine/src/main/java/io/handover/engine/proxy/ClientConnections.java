package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections each client address has open, for {@code maxConnectionsPerClient}. A connection
 * is counted at its first request (the listener gives no hook at accept; one that never sends a
 * request is closed by the head and keep-alive deadlines) and uncounted when it closes. A
 * connection turned away is never counted. Safe on any IO thread: one map update, no wait.
 */
final class ClientConnections {

  private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);

  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  /** @param max the most connections of one address, 0 for no limit */
  ClientConnections(int max) {
    this.max = max;
  }

  /** Whether this request's connection may be served; counts the connection at its first request. */
  boolean admit(HttpServerExchange exchange) {
    if (max <= 0) {
      return true;
    }
    ServerConnection connection = exchange.getConnection();
    if (connection.getAttachment(COUNTED) != null) {
      return true;
    }
    InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
    if (peer == null) {
      return true;
    }
    InetAddress client = peer.getAddress();
    boolean[] admitted = {false};
    open.compute(client, (address, n) -> {
      int count = n == null ? 0 : n;
      if (count >= max) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (admitted[0]) {
      connection.putAttachment(COUNTED, Boolean.TRUE);
      connection.addCloseListener(closed -> open.computeIfPresent(client, (address, n) -> n <= 1 ? null : n - 1));
    }
    return admitted[0];
  }
}

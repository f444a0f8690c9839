package io.handover.engine.proxy;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * One attempt to send a request, whose body is already buffered, to one backend server: takes a
 * pooled connection, sends the request head and body, and reports the response head or the failure.
 * What to do with the response body is the caller's. Runs on the exchange's IO thread.
 */
final class BackendCall {

  /** Hears how the attempt ends; exactly one method is called, once. */
  interface Listener {
    void onResponse(BackendCall call, ClientExchange result);

    /**
     * @param sent whether the request may have reached the server (so only a retry-safe request may
     *     be sent again)
     */
    void onFailure(BackendCall call, String why, boolean sent);
  }

  private static final ProxyClient.ProxyTarget TARGET = new ProxyClient.ProxyTarget() {};

  final BackendPool.Backend backend;
  private final HttpServerExchange exchange;
  private final byte[] body;
  private final boolean trustForwarded;
  private final Listener listener;
  private ClientConnection connection;
  private boolean sent;
  private boolean done;

  BackendCall(HttpServerExchange exchange, BackendPool.Backend backend, byte[] body, boolean trustForwarded, Listener listener) {
    this.exchange = exchange;
    this.backend = backend;
    this.body = body;
    this.trustForwarded = trustForwarded;
    this.listener = listener;
  }

  void start() {
    backend.client().getConnection(TARGET, exchange, new ProxyCallback<>() {
      @Override
      public void completed(HttpServerExchange ex, ProxyConnection result) {
        send(result.getConnection());
      }

      @Override
      public void failed(HttpServerExchange ex) {
        fail("connection to " + backend.address() + " failed");
      }

      @Override
      public void couldNotResolveBackend(HttpServerExchange ex) {
        fail("no connection to " + backend.address() + " could be had");
      }

      @Override
      public void queuedRequestFailed(HttpServerExchange ex) {
        fail("the queue for a connection to " + backend.address() + " failed");
      }
    }, -1, TimeUnit.MILLISECONDS);
  }

  /** Gives the attempt up: its connection is closed so that it is not reused half-way. */
  void abort(String why) {
    if (connection != null) {
      IoUtils.safeClose(connection);
    }
    fail(why);
  }

  /** Whether the attempt has ended (answered, failed or aborted). */
  boolean done() {
    return done;
  }

  private void send(ClientConnection c) {
    if (done) {
      return;
    }
    connection = c;
    sent = true;
    ClientRequest request = new ClientRequest().setMethod(exchange.getRequestMethod()).setPath(requestTarget(exchange));
    copyRequestHeaders(request.getRequestHeaders());
    if (body.length > 0) {
      request.getRequestHeaders().put(Headers.CONTENT_LENGTH, body.length);
    }
    c.sendRequest(request, new ClientCallback<>() {
      @Override
      public void completed(ClientExchange result) {
        result.setResponseListener(new ClientCallback<>() {
          @Override
          public void completed(ClientExchange r) {
            if (done) {
              IoUtils.safeClose(r.getConnection());
              return;
            }
            done = true;
            listener.onResponse(BackendCall.this, r);
          }

          @Override
          public void failed(IOException e) {
            fail(backend.address() + " failed: " + e.getMessage());
          }
        });
        if (body.length > 0) {
          writeBody(result.getRequestChannel());
        }
      }

      @Override
      public void failed(IOException e) {
        fail(backend.address() + " failed: " + e.getMessage());
      }
    });
  }

  private void fail(String why) {
    if (done) {
      return;
    }
    done = true;
    listener.onFailure(this, why, sent);
  }

  private void writeBody(StreamSinkChannel channel) {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    ChannelListener<StreamSinkChannel> writer = new ChannelListener<>() {
      @Override
      public void handleEvent(StreamSinkChannel ch) {
        try {
          while (buffer.hasRemaining()) {
            if (ch.write(buffer) == 0) {
              ch.getWriteSetter().set(this);
              ch.resumeWrites();
              return;
            }
          }
          ch.suspendWrites();
          ch.shutdownWrites();
          if (!ch.flush()) {
            ch.getWriteSetter().set(ChannelListeners.flushingChannelListener(null, (c, e) -> abort(e.getMessage())));
            ch.resumeWrites();
          }
        } catch (IOException e) {
          abort("sending the request to " + backend.address() + " failed: " + e.getMessage());
        }
      }
    };
    writer.handleEvent(channel);
  }

  private void copyRequestHeaders(HeaderMap to) {
    for (HeaderValues values : exchange.getRequestHeaders()) {
      to.putAll(values.getHeaderName(), values);
    }
    to.remove(Headers.CONTENT_LENGTH);
    to.remove(Headers.TRANSFER_ENCODING);
    InetSocketAddress source = exchange.getSourceAddress();
    String client = source == null || source.getAddress() == null ? "unknown" : source.getAddress().getHostAddress();
    String forwarded = trustForwarded ? to.getFirst(Headers.X_FORWARDED_FOR) : null;
    to.put(Headers.X_FORWARDED_FOR, forwarded == null || forwarded.isEmpty() ? client : forwarded + "," + client);
    if (!trustForwarded || !to.contains(Headers.X_FORWARDED_PROTO)) {
      to.put(Headers.X_FORWARDED_PROTO, exchange.getRequestScheme());
    }
    if (!trustForwarded || !to.contains(Headers.X_FORWARDED_HOST)) {
      String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
      if (host != null) {
        to.put(Headers.X_FORWARDED_HOST, host);
      }
    }
    if (!trustForwarded || !to.contains(Headers.X_FORWARDED_PORT)) {
      to.put(Headers.X_FORWARDED_PORT, exchange.getHostPort());
    }
  }

  static String requestTarget(HttpServerExchange exchange) {
    String query = exchange.getQueryString();
    String uri = exchange.getRequestURI();
    if (exchange.isHostIncludedInRequestURI()) {
      int scheme = uri.indexOf("//");
      int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 2);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    return query == null || query.isEmpty() ? uri : uri + "?" + query;
  }
}

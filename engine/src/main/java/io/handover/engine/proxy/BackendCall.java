package io.handover.engine.proxy;

import io.handover.engine.telemetry.FailureKind;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Transfer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * One attempt to have one backend server answer a request: takes a pooled connection, sends the
 * request head, the body held and then (for a body too large to hold) the rest as it arrives from
 * the client, and reports the response head or the failure. What to do with the response body is
 * the caller's. A client that goes away mid-body, or sends a malformed body, makes the attempt end
 * with the backend connection closed mid-body, so the server never sees a shorter request as a
 * complete one. Runs on the exchange's IO thread.
 */
final class BackendCall {

  /** Hears how the attempt ends; exactly one method is called, once. */
  interface Listener {
    void onResponse(BackendCall call, ClientExchange result);

    void onFailure(BackendCall call, FailureKind kind, String why);
  }

  private static final ProxyClient.ProxyTarget TARGET = new ProxyClient.ProxyTarget() {};

  final BackendPool.Backend backend;
  final long startNanos = System.nanoTime();
  private final HttpServerExchange exchange;
  private final RequestBody body;
  private final String upgrade;
  private final boolean trustForwarded;
  private final Listener listener;
  private ClientConnection connection;
  private boolean sent;
  private boolean done;
  /** Whether the rest of a body too large to hold is being passed on from the client. */
  private boolean uploading;

  BackendCall(HttpServerExchange exchange, BackendPool.Backend backend, RequestBody body, String upgrade,
      boolean trustForwarded, Listener listener) {
    this.exchange = exchange;
    this.backend = backend;
    this.body = body;
    this.upgrade = upgrade;
    this.trustForwarded = trustForwarded;
    this.listener = listener;
    backend.meters().started();
    AccessLog.attempted(exchange);
  }

  void start() {
    backend.client().getConnection(TARGET, exchange, new ProxyCallback<>() {
      @Override
      public void completed(HttpServerExchange ex, ProxyConnection result) {
        send(result.getConnection());
      }

      @Override
      public void failed(HttpServerExchange ex) {
        fail(FailureKind.REFUSED, "connection to " + backend.address() + " failed");
      }

      @Override
      public void couldNotResolveBackend(HttpServerExchange ex) {
        fail(FailureKind.REFUSED, "no connection to " + backend.address() + " could be had");
      }

      @Override
      public void queuedRequestFailed(HttpServerExchange ex) {
        fail(FailureKind.REFUSED, "the queue for a connection to " + backend.address() + " failed");
      }
    }, -1, TimeUnit.MILLISECONDS);
  }

  /**
   * Gives the attempt up: its connection is cut so that it is not reused half-way and, above all,
   * so that a request whose body was not all sent never looks complete to the server.
   */
  void abort(FailureKind kind, String why) {
    // ended first: cutting the connection makes the client report a reset, which is not the cause
    boolean first = !done;
    end();
    if (connection != null) {
      cutOff(connection);
    }
    if (first) {
      listener.onFailure(this, kind, why);
    }
  }

  /**
   * Closes the socket under the client connection as it is. Closing the client connection itself
   * would first end the request cleanly (writing a chunked body's last chunk).
   */
  private static void cutOff(ClientConnection c) {
    try {
      IoUtils.safeClose(c.performUpgrade());
    } catch (IOException | RuntimeException e) {
      // already closed or never opened: nothing to cut
    }
    IoUtils.safeClose(c);
  }

  /** Whether the client is still sending the rest of its body through this attempt. */
  boolean uploading() {
    return uploading && !done;
  }

  /** Whether the attempt has ended (answered, failed or aborted). */
  boolean done() {
    return done;
  }

  /** Whether the request may have reached the server, so that only a retry-safe one may go again. */
  boolean sent() {
    return sent;
  }

  private void send(ClientConnection c) {
    if (done) {
      IoUtils.safeClose(c);
      return;
    }
    connection = c;
    sent = true;
    ClientRequest request = new ClientRequest().setMethod(exchange.getRequestMethod()).setPath(requestTarget(exchange));
    copyRequestHeaders(request.getRequestHeaders());
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
            end();
            listener.onResponse(BackendCall.this, r);
          }

          @Override
          public void failed(IOException e) {
            fail(FailureKind.RESET, backend.address() + " failed: " + e.getMessage());
          }
        });
        writeBody(result);
      }

      @Override
      public void failed(IOException e) {
        fail(FailureKind.RESET, backend.address() + " failed: " + e.getMessage());
      }
    });
  }

  private void fail(FailureKind kind, String why) {
    if (done) {
      return;
    }
    end();
    listener.onFailure(this, kind, why);
  }

  /** Marks the attempt ended; the server's in-flight count falls once, however it ended. */
  private void end() {
    if (!done) {
      done = true;
      backend.meters().ended();
    }
  }

  private void writeBody(ClientExchange result) {
    Writes.writeThen(result.getRequestChannel(), body.held(), ch -> {
      if (body.complete()) {
        finishBody(result, ch);
        return;
      }
      // the client's channel errs when it goes away or breaks the framing: the backend
      // connection is cut so the server sees the request end mid-body
      uploading = true;
      Transfer.initiateTransfer(body.rest(), ch, ChannelListeners.closingChannelListener(),
          sinkCh -> finishBody(result, sinkCh),
          (source, e) -> abort(FailureKind.CLIENT_ABORTED, "the client's body ended early: " + e.getMessage()),
          (sinkCh, e) -> abort(FailureKind.RESET, "sending the request to " + backend.address() + " failed: " + e.getMessage()),
          exchange.getConnection().getByteBufferPool());
    }, e -> abort(FailureKind.RESET, "sending the request to " + backend.address() + " failed: " + e.getMessage()));
  }

  private void finishBody(ClientExchange result, StreamSinkChannel ch) {
    uploading = false;
    if (!StrictChunkedBody.ended(exchange)) {
      abort(FailureKind.CLIENT_ABORTED, "the client's connection closed in the middle of its body");
      return;
    }
    HeaderMap trailers = exchange.getAttachment(HttpAttachments.REQUEST_TRAILERS);
    if (trailers != null) {
      // Undertow's client writes the trailers it finds under this key after the last chunk
      result.putAttachment(HttpAttachments.RESPONSE_TRAILERS, trailers);
    }
    try {
      ch.shutdownWrites();
      if (!ch.flush()) {
        ch.getWriteSetter().set(ChannelListeners.flushingChannelListener(
            c -> c.suspendWrites(), (c, e) -> abort(FailureKind.RESET, "sending the request failed: " + e.getMessage())));
        ch.resumeWrites();
      }
    } catch (IOException e) {
      abort(FailureKind.RESET, "sending the request to " + backend.address() + " failed: " + e.getMessage());
    }
  }

  private void copyRequestHeaders(HeaderMap to) {
    for (HeaderValues values : exchange.getRequestHeaders()) {
      to.putAll(values.getHeaderName(), values);
    }
    HopByHopHeaders.strip(to);
    to.remove(Headers.CONTENT_LENGTH);
    to.remove(Headers.TRANSFER_ENCODING);
    // the proxy answers 100-continue itself as it starts reading the body
    to.remove(Headers.EXPECT);
    if (upgrade != null) {
      to.put(Headers.UPGRADE, upgrade);
      to.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
    }
    if (body.chunked()) {
      to.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
    } else if (!body.complete()) {
      to.put(Headers.CONTENT_LENGTH, exchange.getRequestContentLength());
    } else if (body.heldLength() > 0) {
      to.put(Headers.CONTENT_LENGTH, body.heldLength());
    }
    String client = clientAddress(exchange);
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

  /** The client's address as text, made once per connection rather than for every request on it. */
  private static String clientAddress(HttpServerExchange exchange) {
    InetSocketAddress source = exchange.getSourceAddress();
    ServerConnection connection = exchange.getConnection();
    ClientAddress known = connection.getAttachment(CLIENT_ADDRESS);
    if (known != null && known.address().equals(source)) {
      return known.text();
    }
    String text = source == null || source.getAddress() == null ? "unknown" : source.getAddress().getHostAddress();
    if (source != null) {
      connection.putAttachment(CLIENT_ADDRESS, new ClientAddress(source, text));
    }
    return text;
  }

  private record ClientAddress(InetSocketAddress address, String text) {}

  private static final AttachmentKey<ClientAddress> CLIENT_ADDRESS = AttachmentKey.create(ClientAddress.class);

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

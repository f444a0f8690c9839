package io.handover.engine.proxy;

import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientResponse;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.util.Attachable;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;
import io.undertow.util.Transfer;
import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Moves a backend's response to the client as it arrives, without holding the body: status,
 * headers (hop-by-hop ones dropped), every body byte, and the trailers of a chunked body. Past this
 * point the client has the status line: a failure can only cut the connection, never shorten a
 * body that then looks complete.
 */
final class ResponseStream {

  /** Upgraded connections (WebSocket and the like) bridged right now, for a stop to wait for. */
  static final java.util.concurrent.atomic.AtomicInteger OPEN_UPGRADES = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * The relay's buffer: a 64 KiB answer moves in one read and one write past its start instead of
   * four of each with the IO threads' 16 KiB buffers. Held only while a write waits for the client.
   */
  static final int RELAY_BUFFER_BYTES = Integer.getInteger("handover.relayBufferBytes", 64 * 1024);
  private static final ByteBufferPool RELAY_BUFFERS = new DefaultByteBufferPool(true, RELAY_BUFFER_BYTES, 256, 4);

  private ResponseStream() {}

  /** Relays the whole response. */
  static void relay(HttpServerExchange exchange, ClientExchange result) {
    relay(exchange, result, null, result.getResponseChannel());
  }

  /** Relays the whole response and hands its trailers (null when it had none) to {@code onTrailers} at its end. */
  static void relay(HttpServerExchange exchange, ClientExchange result, Consumer<HeaderMap> onTrailers) {
    ClientResponse response = result.getResponse();
    relay(exchange, response.getResponseCode(), response.getResponseHeaders(), result, result.getConnection(), null,
        result.getResponseChannel(), onTrailers);
  }

  /**
   * Relays a response whose body's start was already read into {@code start}, then the rest of
   * {@code rest}. Headers already set on the exchange win over the backend's.
   */
  static void relay(HttpServerExchange exchange, ClientExchange result, ByteBuffer start, StreamSourceChannel rest) {
    ClientResponse response = result.getResponse();
    relay(exchange, response.getResponseCode(), response.getResponseHeaders(), result, result.getConnection(), start, rest);
  }

  /** Relays a final answer read past interim ones; its connection is closed at the end. */
  static void relay(HttpServerExchange exchange, InterimResponses.Final response) {
    exchange.addExchangeCompleteListener((ex, next) -> {
      IoUtils.safeClose(response.connection());
      next.proceed();
    });
    relay(exchange, response.status(), response.headers(), response.trailers(), response.connection(), null, response.body());
  }

  private static void relay(HttpServerExchange exchange, int status, HeaderMap headers, Attachable trailerSource,
      Closeable backend, ByteBuffer start, StreamSourceChannel rest) {
    relay(exchange, status, headers, trailerSource, backend, start, rest, null);
  }

  private static void relay(HttpServerExchange exchange, int status, HeaderMap headers, Attachable trailerSource,
      Closeable backend, ByteBuffer start, StreamSourceChannel rest, Consumer<HeaderMap> onTrailers) {
    copyHead(exchange, status, headers);
    HopByHopHeaders.strip(exchange.getResponseHeaders());
    // Undertow frames the body for this client: chunked for HTTP/1.1, to the close for HTTP/1.0
    exchange.getResponseHeaders().remove(Headers.TRANSFER_ENCODING);
    ChannelListener<StreamSinkChannel> finish = channel -> {
      HeaderMap trailers = trailerSource.getAttachment(HttpAttachments.REQUEST_TRAILERS);
      if (trailers != null) {
        // Undertow's client keeps a response's trailers under this key; its server writes these
        exchange.putAttachment(HttpAttachments.RESPONSE_TRAILERS, trailers);
      }
      if (onTrailers != null) {
        onTrailers.accept(trailers);
      }
      try {
        channel.shutdownWrites();
        if (!channel.flush()) {
          channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(null, ChannelListeners.closingChannelExceptionHandler()));
          channel.resumeWrites();
        }
      } catch (IOException e) {
        IoUtils.safeClose(exchange.getConnection());
      }
    };
    StreamSinkChannel sink = exchange.getResponseChannel();
    boolean hadStart = start != null && start.hasRemaining();
    boolean http2 = exchange.getProtocol().equals(Protocols.HTTP_2_0) || backend instanceof ClientConnection c && c.isMultiplexingSupported();
    Runnable transfer = http2
        // each part goes out as it comes: a stream (gRPC, events) must not wait in an HTTP/2 frame buffer
        ? () -> FlushingPump.start(rest, sink, exchange.getConnection().getByteBufferPool(), hadStart,
            new FlushingPump.Listener() {
          @Override
          public void onEnd(StreamSinkChannel ch) {
            finish.handleEvent(ch);
          }

          @Override
          public void onSourceFailed(IOException e) {
            IoUtils.safeClose(sink, backend, exchange.getConnection());
          }

          @Override
          public void onSinkFailed(IOException e) {
            IoUtils.safeClose(sink, backend, exchange.getConnection());
          }
        })
        : () -> Transfer.initiateTransfer(rest, sink, ChannelListeners.closingChannelListener(), finish,
        (ch, e) -> IoUtils.safeClose(ch, backend, exchange.getConnection()),
        (ch, e) -> IoUtils.safeClose(ch, backend, exchange.getConnection()),
        RELAY_BUFFERS);
    if (start == null || !start.hasRemaining()) {
      if (http2) {
        transfer.run(); // an HTTP/2 stream queues no read event for a body that came with the head
      } else {
        FirstRead.start(rest, ch -> transfer.run());
      }
      return;
    }
    Writes.writeThen(sink, start, ch -> transfer.run(), e -> IoUtils.safeClose(sink, backend, exchange.getConnection()));
  }

  /**
   * Relays a {@code 204} or {@code 304} whose head declares a length: such an answer has no body
   * (RFC 9110, section 6.4.1), but Undertow's client would wait for that many bytes, so the head is
   * relayed alone and the connection, whose framing the client now misreads, is closed.
   */
  static void relayHeadOnly(HttpServerExchange exchange, ClientExchange result) {
    ClientResponse response = result.getResponse();
    copyHead(exchange, response.getResponseCode(), response.getResponseHeaders());
    HopByHopHeaders.strip(exchange.getResponseHeaders());
    IoUtils.safeClose(result.getConnection());
    exchange.endExchange();
  }

  /** Whether the answer has no body by its status yet declares a length. */
  static boolean bodilessWithLength(ClientResponse response) {
    int status = response.getResponseCode();
    String length = response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
    return (status == 204 || status == 304) && length != null && !length.strip().equals("0");
  }

  /**
   * Answers {@code 101} with the backend's upgrade headers, then bridges the two connections byte
   * for byte until either side closes. The socket stays on this server whatever happens to the
   * versions afterwards.
   */
  static void upgrade(HttpServerExchange exchange, ClientExchange result) {
    exchange.upgradeChannel((StreamConnection client, HttpServerExchange ex) -> {
      StreamConnection server = null;
      try {
        server = result.getConnection().performUpgrade();
        OPEN_UPGRADES.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        // counted out when either side ends or fails: the bridge is ending then
        Runnable ended = () -> {
          if (open.compareAndSet(true, false)) {
            OPEN_UPGRADES.decrementAndGet();
          }
        };
        if ("websocket".equalsIgnoreCase(ex.getRequestHeaders().getFirst(io.undertow.util.Headers.UPGRADE))) {
          // frame by frame, so that a stop can send the client a close frame between two
          new WebSocketRelay(server, client, ended).start();
        } else {
          bridge(server.getSourceChannel(), client.getSinkChannel(), client, server, result, ended);
        }
        bridge(client.getSourceChannel(), server.getSinkChannel(), client, server, result, ended);
      } catch (IOException e) {
        IoUtils.safeClose(client, server);
      }
    });
    copyHead(exchange, result.getResponse().getResponseCode(), result.getResponse().getResponseHeaders());
    exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.UPGRADE_STRING);
    exchange.endExchange();
  }

  private static void bridge(StreamSourceChannel from, StreamSinkChannel to, StreamConnection a, StreamConnection b,
      ClientExchange result, Runnable ended) {
    ChannelListener<StreamSinkChannel> closeWhenDone = ChannelListeners.writeShutdownChannelListener(
        ChannelListeners.flushingChannelListener(ChannelListeners.closingChannelListener(), ChannelListeners.closingChannelExceptionHandler()),
        ChannelListeners.closingChannelExceptionHandler());
    Transfer.initiateTransfer(from, to, ch -> {
      ended.run();
      IoUtils.safeClose(ch);
    }, closeWhenDone, (ch, e) -> {
      ended.run();
      IoUtils.safeClose(a, b);
    }, (ch, e) -> {
      ended.run();
      IoUtils.safeClose(a, b);
    }, result.getConnection().getBufferPool());
  }

  private static void copyHead(HttpServerExchange exchange, int status, HeaderMap from) {
    exchange.setStatusCode(status);
    HeaderMap to = exchange.getResponseHeaders();
    for (HeaderValues values : from) {
      if (!to.contains(values.getHeaderName())) {
        to.putAll(values.getHeaderName(), values);
      }
    }
  }
}

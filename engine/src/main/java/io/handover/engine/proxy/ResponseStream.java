package io.handover.engine.proxy;

import io.undertow.client.ClientExchange;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Transfer;
import java.io.IOException;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/** Streams a backend's response to the client as it arrives, without holding the body. */
final class ResponseStream {

  private ResponseStream() {}

  /**
   * Copies the status and headers (those already set on the exchange win), then moves the body.
   * Past this point the client has the status line: a failure can only cut the connection.
   */
  static void relay(HttpServerExchange exchange, ClientExchange result) {
    ClientResponse response = result.getResponse();
    exchange.setStatusCode(response.getResponseCode());
    HeaderMap to = exchange.getResponseHeaders();
    for (HeaderValues values : response.getResponseHeaders()) {
      if (!to.contains(values.getHeaderName())) {
        to.putAll(values.getHeaderName(), values);
      }
    }
    HopByHopHeaders.strip(to);
    ChannelListener<StreamSinkChannel> finish = channel -> {
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
    Transfer.initiateTransfer(result.getResponseChannel(), exchange.getResponseChannel(), ChannelListeners.closingChannelListener(),
        finish, (ch, e) -> IoUtils.safeClose(ch, result.getConnection(), exchange.getConnection()),
        (ch, e) -> IoUtils.safeClose(ch, result.getConnection()), exchange.getConnection().getByteBufferPool());
  }
}

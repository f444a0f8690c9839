package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** What the proxy may do with a request's body before it has read it. */
final class RequestBodies {

  private RequestBodies() {}

  /**
   * Whether the body is known to fit in {@code maxBytes} and so can be held in memory (to be sent
   * again, or to two versions): no body, or a Content-Length within the limit. A chunked body's
   * size is unknown until it has been read, so it never fits.
   */
  static boolean fitInMemory(HttpServerExchange exchange, long maxBytes) {
    return !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)
        && exchange.getRequestContentLength() <= maxBytes;
  }
}

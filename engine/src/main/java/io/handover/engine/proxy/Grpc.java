package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * gRPC over the request path: a call is an HTTP/2 POST of {@code application/grpc}, whose outcome
 * is the {@code grpc-status} of its trailers (or of its head, for a trailers-only answer), not the
 * HTTP status, which is 200 either way.
 */
final class Grpc {

  static final HttpString STATUS = new HttpString("grpc-status");
  /** The server is not serving: safe to send the call elsewhere, as gRPC clients do themselves. */
  static final int UNAVAILABLE = 14;

  private Grpc() {}

  /** Whether the request is a gRPC call ({@code application/grpc}, {@code +proto}, ...; not gRPC-Web, which is HTTP/1.1). */
  static boolean isCall(HttpServerExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
        && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
  }

  /** The {@code grpc-status} in these headers, or -1 when there is none (or it is no number). */
  static int status(HeaderMap headers) {
    String value = headers == null ? null : headers.getFirst(STATUS);
    if (value == null) {
      return -1;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Whether a status blames the server, as a 5xx would: UNKNOWN, UNIMPLEMENTED, INTERNAL,
   * UNAVAILABLE, DATA_LOSS. The others are the caller's affair (a bad argument, a deadline it set,
   * a missing entity) and count as answers.
   */
  static boolean serverError(int status) {
    return status == 2 || status == 12 || status == 13 || status == UNAVAILABLE || status == 15;
  }
}

package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Which requests may be sent again after they reached a backend that then failed: the idempotent
 * methods of RFC 9110 and any request that carries an {@code Idempotency-Key}.
 */
final class IdempotentRequest {

  private static final HttpString IDEMPOTENCY_KEY = new HttpString("Idempotency-Key");

  private IdempotentRequest() {}

  static boolean retrySafe(HttpServerExchange exchange) {
    HttpString method = exchange.getRequestMethod();
    return method.equals(Methods.GET)
        || method.equals(Methods.HEAD)
        || method.equals(Methods.OPTIONS)
        || method.equals(Methods.PUT)
        || method.equals(Methods.DELETE)
        || exchange.getRequestHeaders().contains(IDEMPOTENCY_KEY);
  }
}

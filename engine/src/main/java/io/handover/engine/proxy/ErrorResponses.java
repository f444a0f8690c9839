package io.handover.engine.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/** Short JSON bodies for the answers the proxy gives by itself, so a client can tell why. */
final class ErrorResponses {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Gives the proxy's own 5xx answers (Undertow's proxy ends them without a body) a JSON body. */
  static final DefaultResponseListener JSON_BODY = exchange -> {
    if (exchange.isResponseStarted() || exchange.getStatusCode() < 500) {
      return false;
    }
    send(exchange, exchange.getStatusCode(), reasonFor(exchange.getStatusCode()));
    return true;
  };

  private ErrorResponses() {}

  static void send(HttpServerExchange exchange, int status, String error) {
    ObjectNode body = JSON.createObjectNode();
    body.put("status", status);
    body.put("error", error);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().remove(Headers.TRANSFER_ENCODING);
    exchange.getResponseSender().send(body.toString());
  }

  private static String reasonFor(int status) {
    return switch (status) {
      case StatusCodes.SERVICE_UNAVAILABLE -> "no version could take the request: every server refused or failed";
      case StatusCodes.GATEWAY_TIME_OUT -> "no version answered in time";
      case StatusCodes.BAD_GATEWAY -> "the backend failed while answering";
      default -> StatusCodes.getReason(status);
    };
  }
}

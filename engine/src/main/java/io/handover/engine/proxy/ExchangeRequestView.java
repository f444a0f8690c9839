package io.handover.engine.proxy;

import io.handover.api.RequestView;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderValues;
import java.net.InetSocketAddress;
import java.util.List;

/** The strategy's view of an exchange: reads headers in place, copies nothing up front. */
final class ExchangeRequestView implements RequestView {

  private final HttpServerExchange exchange;

  ExchangeRequestView(HttpServerExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public String method() {
    return exchange.getRequestMethod().toString();
  }

  @Override
  public String path() {
    return exchange.getRequestPath();
  }

  @Override
  public String query() {
    return exchange.getQueryString();
  }

  @Override
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  @Override
  public List<String> headers(String name) {
    HeaderValues values = exchange.getRequestHeaders().get(name);
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public String cookie(String name) {
    Cookie cookie = exchange.getRequestCookie(name);
    return cookie == null ? null : cookie.getValue();
  }

  @Override
  public String clientAddress() {
    InetSocketAddress address = exchange.getSourceAddress();
    return address == null ? "" : address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
  }
}

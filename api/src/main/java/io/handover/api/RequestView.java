package io.handover.api;

import java.util.List;

/**
 * A read-only view of an incoming request's head, for a strategy to decide on.
 *
 * <p>Valid only during the call it is passed to, on the thread of that call (an IO thread); do not
 * keep it. Reading is cheap: headers are not copied. Nothing here blocks, and the body is not
 * available.
 */
public interface RequestView {

  /** The method, upper case, e.g. {@code "GET"}. Never null. */
  String method();

  /** The request path without the query string, e.g. {@code "/orders/42"}. Never null. */
  String path();

  /** The query string without {@code ?}; empty when there is none. Never null. */
  String query();

  /** The first value of a header (name case-insensitive), or null when absent. */
  String header(String name);

  /** Every value of a header in arrival order (name case-insensitive); empty when absent. Never null. */
  List<String> headers(String name);

  /** The value of a request cookie, or null when absent. */
  String cookie(String name);

  /** The client's IP address as seen by the proxy (not taken from X-Forwarded-For). Never null. */
  String clientAddress();
}

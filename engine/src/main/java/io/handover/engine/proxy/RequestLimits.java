package io.handover.engine.proxy;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.util.Locale;

/**
 * Turns away, before anything is routed or forwarded, requests whose head is too large or whose
 * framing a backend could read differently from the proxy: each gets its 4xx/5xx answer and the
 * connection is closed. Undertow's parser already refuses bare CR, LF or NUL in a header, a space
 * before the colon, two {@code Content-Length} or {@code Transfer-Encoding} headers, both at once,
 * and a request head longer than its {@code MAX_HEADER_SIZE} (all with {@code 400} and a close);
 * this handler covers what it lets through, and a client address past {@code maxConnectionsPerClient}
 * ({@code 429}). Each kind of refusal is logged at most once per
 * {@value ClientErrorLog#INTERVAL_SECONDS} seconds with how many there were. Runs on the IO thread.
 */
public final class RequestLimits implements HttpHandler {

  /** Nineteen digits may already overflow a long; eighteen never do. */
  private static final int MAX_LENGTH_DIGITS = 18;

  /** Why a request was refused, with the status it gets. */
  enum Refusal {
    CONNECT(405, "CONNECT is not served: this is a reverse proxy"),
    URI_TOO_LONG(414, "the request target is too long"),
    HEADER_LINE_TOO_LONG(431, "a header line is too long"),
    TOO_MANY_HEADERS(431, "too many header lines"),
    HEADERS_TOO_LARGE(431, "the header lines are too large together"),
    TOO_MANY_COOKIES(431, "too many cookies"),
    BAD_CONTENT_LENGTH(400, "Content-Length must be one decimal number below 2^63"),
    BODY_TOO_LARGE(413, "the request body is larger than the proxy accepts"),
    BAD_TRANSFER_ENCODING(400, "Transfer-Encoding must end in chunked (and HTTP/1.0 has none)"),
    UNKNOWN_TRANSFER_CODING(501, "only the chunked transfer coding is supported"),
    TOO_MANY_CONNECTIONS(429, "too many connections from this client (maxConnectionsPerClient)");

    final int status;
    final String reason;

    Refusal(int status, String reason) {
      this.status = status;
      this.reason = reason;
    }
  }

  private final ClientErrorLog errors = new ClientErrorLog(RequestLimits.class);
  private final HttpHandler next;
  private final ClientLimits limits;
  private final long maxBodyBytes;
  private final ClientConnections connections;

  public RequestLimits(HttpHandler next, ProxySettings settings) {
    this.next = requireNonNull(next, "next is null");
    this.limits = settings.limits();
    this.maxBodyBytes = settings.maxRequestBodyBytes();
    this.connections = new ClientConnections(limits.maxConnectionsPerClient());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Refusal refusal = connections.admit(exchange) ? check(exchange) : Refusal.TOO_MANY_CONNECTIONS;
    if (refusal == null) {
      next.handleRequest(exchange);
      return;
    }
    errors.report(refusal.status, refusal.reason, exchange);
    // what follows this head cannot be trusted to be the next request
    exchange.setPersistent(false);
    if (refusal == Refusal.CONNECT) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
    ErrorResponses.send(exchange, refusal.status, refusal.reason);
  }

  private Refusal check(HttpServerExchange exchange) {
    boolean http10 = exchange.getProtocol().equals(Protocols.HTTP_1_0);
    if (exchange.getRequestMethod().equals(Methods.CONNECT)) {
      return Refusal.CONNECT;
    }
    String query = exchange.getQueryString();
    if (exchange.getRequestURI().length() + (query.isEmpty() ? 0 : query.length() + 1) > limits.maxUriBytes()) {
      return Refusal.URI_TOO_LONG;
    }
    Refusal headers = checkHeaders(exchange);
    if (headers != null) {
      return headers;
    }
    HeaderValues te = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
    if (te != null) {
      return http10 ? Refusal.BAD_TRANSFER_ENCODING : checkTransferCodings(te.getFirst());
    }
    HeaderValues length = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
    if (length != null) {
      String value = length.getFirst().strip();
      if (length.size() != 1 || value.isEmpty() || value.length() > MAX_LENGTH_DIGITS || !digits(value)) {
        return Refusal.BAD_CONTENT_LENGTH;
      }
      if (maxBodyBytes >= 0 && Long.parseLong(value) > maxBodyBytes) {
        return Refusal.BODY_TOO_LARGE;
      }
    }
    return null;
  }

  private Refusal checkHeaders(HttpServerExchange exchange) {
    int count = 0;
    long total = 0;
    int cookies = 0;
    for (HeaderValues values : exchange.getRequestHeaders()) {
      int name = values.getHeaderName().length();
      boolean cookie = values.getHeaderName().equals(Headers.COOKIE);
      for (String value : values) {
        int line = name + 2 + value.length();
        if (line > limits.maxHeaderLineBytes()) {
          return Refusal.HEADER_LINE_TOO_LONG;
        }
        count++;
        total += line + 2;
        if (cookie) {
          cookies += cookiePairs(value);
        }
      }
    }
    if (count > limits.maxHeaderCount()) {
      return Refusal.TOO_MANY_HEADERS;
    }
    if (total > limits.maxHeaderBytes()) {
      return Refusal.HEADERS_TOO_LARGE;
    }
    // at most as many as Undertow will parse, so that reading a cookie never fails later
    return cookies > limits.maxCookies() ? Refusal.TOO_MANY_COOKIES : null;
  }

  /** Undertow takes any coding other than identity for chunked: only a plain "chunked" is passed on. */
  private static Refusal checkTransferCodings(String header) {
    String[] codings = header.split(",", -1);
    String last = codings[codings.length - 1].strip().toLowerCase(Locale.ROOT);
    if (!last.equals("chunked")) {
      return Refusal.BAD_TRANSFER_ENCODING;
    }
    for (int i = 0; i < codings.length - 1; i++) {
      String coding = codings[i].strip().toLowerCase(Locale.ROOT);
      // chunked twice, or an empty or identity coding before it, is a framing the backend may read differently
      if (coding.isEmpty() || coding.equals("chunked") || coding.equals("identity")) {
        return Refusal.BAD_TRANSFER_ENCODING;
      }
    }
    return codings.length == 1 ? null : Refusal.UNKNOWN_TRANSFER_CODING;
  }

  private static int cookiePairs(String value) {
    int pairs = 0;
    boolean content = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ';' || c == ',') {
        pairs += content ? 1 : 0;
        content = false;
      } else if (c != ' ' && c != '\t') {
        content = true;
      }
    }
    return pairs + (content ? 1 : 0);
  }

  private static boolean digits(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}

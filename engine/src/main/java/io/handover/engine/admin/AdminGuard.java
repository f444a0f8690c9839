package io.handover.engine.admin;

import static java.util.Objects.requireNonNull;

import io.handover.engine.config.AdminSettings;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands before the admin API: a browser page must not drive it (a foreign {@code Origin},
 * {@code Sec-Fetch-Site: cross-site} or {@code same-site}, or a {@code Host} that is not the admin's
 * own name, as DNS rebinding would send, get {@code 403}), a configured token is required
 * ({@code 401}), and every change is written to the {@code io.handover.audit} log with who asked and
 * what came of it. A shell's {@code curl} sends none of these headers and passes. Runs on the IO
 * thread: header checks only.
 */
public final class AdminGuard implements HttpHandler {

  private static final Logger audit = LoggerFactory.getLogger("io.handover.audit");
  private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  /** What a change was about, e.g. {@code version 2.0 (cluster 1dcb...)}, for the audit line. */
  static final AttachmentKey<String> SUBJECT = AttachmentKey.create(String.class);

  private final HttpHandler next;
  private final byte[] expected;
  private final Set<String> names;

  public AdminGuard(HttpHandler next, AdminSettings settings) {
    this.next = requireNonNull(next, "next is null");
    this.expected = settings.token() == null ? null : ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
    this.names = settings.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (isChange(exchange.getRequestMethod())) {
      exchange.addExchangeCompleteListener((done, nextListener) -> {
        String subject = done.getAttachment(SUBJECT);
        audit.info("{} {} {}{} -> {}", done.getSourceAddress(), done.getRequestMethod(), done.getRequestURI(),
            subject == null ? "" : " " + subject, done.getStatusCode());
        nextListener.proceed();
      });
    }
    String refused = refusal(exchange);
    if (refused != null) {
      AdminHandler.sendError(exchange, StatusCodes.FORBIDDEN, "", refused);
      return;
    }
    if (expected != null && !authorised(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
      AdminHandler.sendError(exchange, StatusCodes.UNAUTHORIZED, "", "unauthorised");
      return;
    }
    next.handleRequest(exchange);
  }

  private static boolean isChange(HttpString method) {
    return !method.equals(Methods.GET) && !method.equals(Methods.HEAD) && !method.equals(Methods.OPTIONS);
  }

  private boolean authorised(String header) {
    return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected);
  }

  /** Why a request that a browser page may have made is refused, or null. */
  private String refusal(HttpServerExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
    if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
      return "requests from other sites are refused";
    }
    InetSocketAddress own = exchange.getDestinationAddress();
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host != null && !isOwn(host, own)) {
      return "the Host header must name this admin API";
    }
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    if (origin != null && !isOwn(authority(origin), own)) {
      return "requests from other origins are refused";
    }
    return null;
  }

  private boolean isOwn(String authority, InetSocketAddress own) {
    if (authority == null) {
      return false;
    }
    String a = authority.strip().toLowerCase(Locale.ROOT);
    int port = own.getPort();
    String literal = own.getAddress().getHostAddress();
    String self = (literal.indexOf(':') >= 0 ? "[" + literal.replaceAll("%.*", "") + "]" : literal) + ":" + port;
    if (a.equals(self) || names.contains(a)) {
      return true;
    }
    int colon = a.lastIndexOf(':');
    if (colon <= 0 || a.endsWith("]") || !a.substring(colon + 1).equals(Integer.toString(port))) {
      return false;
    }
    String name = a.substring(0, colon);
    return LOOPBACK.contains(name) || names.contains(name);
  }

  private static String authority(String origin) {
    try {
      return URI.create(origin).getRawAuthority();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

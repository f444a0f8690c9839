package io.handover.engine.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.InvalidSettingException;
import io.handover.engine.config.AdminSettings;
import io.handover.engine.config.ClusterJson;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.StateChange;
import io.handover.engine.registry.VersionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API, compatible with the original one: {@code PUT /configuration/cluster},
 * {@code GET /configuration/cluster[/{id}]}, {@code DELETE /configuration/cluster/{id}}, plus
 * {@code POST /configuration/cluster/{id}/activate} and {@code .../rollback},
 * {@code GET /configuration/strategies} and {@code GET /status}. Runs on worker threads: bodies are read with blocking IO
 * and changes are saved to disk before they are acknowledged.
 */
public final class AdminHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final String CLUSTERS = "/configuration/cluster";

  private final VersionRegistry registry;
  private final AdminSettings settings;
  private final Clock clock;
  private final StatusReport status;

  public AdminHandler(VersionRegistry registry, AdminSettings settings, Clock clock, StatusReport status) {
    this.registry = requireNonNull(registry, "registry is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.status = requireNonNull(status, "status is null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    exchange.startBlocking();
    try {
      if (!authorised(exchange)) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
        sendError(exchange, StatusCodes.UNAUTHORIZED, "", "a valid bearer token is required");
        return;
      }
      route(exchange);
    } catch (JsonInputException e) {
      sendError(exchange, StatusCodes.BAD_REQUEST, e.field(), e.getMessage());
    } catch (BodyTooLargeException e) {
      sendError(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "", e.getMessage());
    } catch (UncheckedIOException e) {
      log.error("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "", e.getMessage());
    }
  }

  private void route(HttpServerExchange exchange) throws IOException {
    String path = exchange.getRequestPath();
    HttpString method = exchange.getRequestMethod();
    if (path.equals(CLUSTERS) || path.equals(CLUSTERS + "/")) {
      if (method.equals(Methods.PUT) || method.equals(Methods.POST)) {
        add(exchange);
      } else if (method.equals(Methods.GET)) {
        list(exchange);
      } else {
        notAllowed(exchange, "GET, PUT");
      }
    } else if (path.startsWith(CLUSTERS + "/") && path.indexOf('/', CLUSTERS.length() + 1) > 0) {
      String rest = path.substring(CLUSTERS.length() + 1);
      String id = rest.substring(0, rest.indexOf('/'));
      String action = rest.substring(rest.indexOf('/') + 1);
      if (!action.equals("activate") && !action.equals("rollback")) {
        sendError(exchange, StatusCodes.NOT_FOUND, "", "no such resource: " + path);
      } else if (method.equals(Methods.POST)) {
        changeState(exchange, id, action);
      } else {
        notAllowed(exchange, "POST");
      }
    } else if (path.startsWith(CLUSTERS + "/")) {
      String id = path.substring(CLUSTERS.length() + 1);
      if (method.equals(Methods.GET)) {
        get(exchange, id);
      } else if (method.equals(Methods.DELETE)) {
        delete(exchange, id);
      } else {
        notAllowed(exchange, "GET, DELETE");
      }
    } else if (path.equals("/configuration/strategies") && method.equals(Methods.GET)) {
      sendJson(exchange, StatusCodes.OK, status.plugins());
    } else if (path.equals("/status") && method.equals(Methods.GET)) {
      sendJson(exchange, StatusCodes.OK, status.status());
    } else {
      sendError(exchange, StatusCodes.NOT_FOUND, "", "no such resource: " + path);
    }
  }

  private void add(HttpServerExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    ClusterConfig parsed = ClusterJson.parseBody(body, clock.millis());
    try {
      registry.put(parsed);
    } catch (InvalidSettingException e) {
      // the registry names the field within the cluster, e.g. promote[0].to.sessionTimeout
      String message = e.getMessage();
      throw JsonInputException.of("cluster." + e.field(), message.startsWith(e.field()) ? message.substring(e.field().length()).strip() : message);
    }
    exchange.setStatusCode(StatusCodes.ACCEPTED);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(parsed.id());
  }

  private void list(HttpServerExchange exchange) {
    sendJson(exchange, StatusCodes.OK, Json.MAPPER.valueToTree(registry.list().stream().map(c -> ClusterJson.toJson(c, false)).toList()));
  }

  private void get(HttpServerExchange exchange, String id) {
    Optional<ClusterConfig> found = registry.find(id);
    if (found.isEmpty()) {
      sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      return;
    }
    sendJson(exchange, StatusCodes.OK, Json.MAPPER.valueToTree(ClusterJson.toJson(found.get(), false)));
  }

  private void delete(HttpServerExchange exchange, String id) {
    if (!registry.remove(id)) {
      sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      return;
    }
    exchange.setStatusCode(StatusCodes.ACCEPTED);
    exchange.endExchange();
  }

  private void changeState(HttpServerExchange exchange, String id, String action) {
    StateChange change = action.equals("activate") ? registry.activate(id) : registry.rollBack(id, "by operator");
    switch (change) {
      case UNKNOWN -> sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      case UNCHANGED -> sendError(exchange, StatusCodes.CONFLICT, "",
          "cluster " + id + " is already " + (action.equals("activate") ? "active" : "rolled back"));
      case CHANGED -> {
        exchange.setStatusCode(StatusCodes.ACCEPTED);
        exchange.endExchange();
      }
    }
  }

  private byte[] readBody(HttpServerExchange exchange) throws IOException {
    long limit = settings.maxBodyBytes();
    long declared = exchange.getRequestContentLength();
    if (declared > limit) {
      throw new BodyTooLargeException(limit);
    }
    try (InputStream in = exchange.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        throw new BodyTooLargeException(limit);
      }
      return body;
    }
  }

  private boolean authorised(HttpServerExchange exchange) {
    if (settings.token() == null) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    String expected = "Bearer " + settings.token();
    return header != null && MessageDigest.isEqual(
        header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private static void notAllowed(HttpServerExchange exchange, String allowed) {
    exchange.getResponseHeaders().put(Headers.ALLOW, allowed);
    sendError(exchange, StatusCodes.METHOD_NOT_ALLOWED, "", exchange.getRequestMethod() + " is not allowed here; use " + allowed);
  }

  static void sendJson(HttpServerExchange exchange, int status, JsonNode body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(body.toString(), StandardCharsets.UTF_8);
  }

  static void sendError(HttpServerExchange exchange, int status, String field, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("error", message);
    if (!field.isEmpty()) {
      body.put("field", field);
    }
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    sendJson(exchange, status, body);
  }

  private static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException(long limit) {
      super("the request body is larger than the limit of " + limit + " bytes (configService.maxBodyBytes)");
    }
  }
}

package io.handover.engine.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.InvalidSettingException;
import io.handover.engine.config.AdminSettings;
import io.handover.engine.config.ClusterJson;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.StateChange;
import io.handover.engine.registry.StoreUnreachableException;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.tls.TlsListeners;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatch;
import io.undertow.util.PathTemplateMatcher;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The admin REST API, compatible with the original one: {@code PUT /configuration/cluster},
 * {@code GET /configuration/cluster[/{id}]}, {@code DELETE /configuration/cluster/{id}}, plus
 * {@code POST /configuration/cluster/{id}/activate}, {@code .../rollback}, {@code .../promote},
 * {@code .../pause}, {@code .../resume} and {@code .../abort},
 * {@code GET /configuration/strategies} and {@code GET /status}; any other method on these paths
 * gets 405 with {@code Allow}. A request's body is read whole on the IO thread first, so that a
 * slow upload holds no worker (the listener's read deadline ends one that stalls); then it is routed
 * by Undertow's {@link RoutingHandler} and run by {@link BlockingHandler} on the admin listener's
 * own worker threads, where changes are saved to disk before they are acknowledged.
 */
public final class AdminHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final String CLUSTERS = "/configuration/cluster";
  /** How much of a body past the limit is read and dropped so that the 413 reaches the client; past it the connection is closed. */
  private static final long DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;
  private static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);

  private final VersionRegistry registry;
  private final AdminSettings settings;
  private final Clock clock;
  private final StatusReport status;
  private final RoutingHandler routes = new RoutingHandler(false);
  private final PathTemplateMatcher<Set<String>> allowed = new PathTemplateMatcher<>();
  private final HttpHandler root;
  private final MetricsEndpoint metrics;
  private final Readiness readiness;
  private final TlsListeners tls;

  /** Without {@code /metrics} series of its own, always ready while a version is active. */
  public AdminHandler(VersionRegistry registry, AdminSettings settings, Clock clock, StatusReport status) {
    this(registry, settings, clock, status, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> registry.snapshot().newestActive() == null ? "no version is active" : null);
  }

  /**
   * @param meters the meters {@code /metrics} shows
   * @param readiness what {@code /readyz} answers
   */
  public AdminHandler(VersionRegistry registry, AdminSettings settings, Clock clock, StatusReport status,
      PrometheusMeterRegistry meters, Readiness readiness) {
    this(registry, settings, clock, status, meters, readiness, TlsListeners.none());
  }

  /** With {@code POST /tls/reload}, which reads the TLS listeners' certificate files again. */
  public AdminHandler(VersionRegistry registry, AdminSettings settings, Clock clock, StatusReport status,
      PrometheusMeterRegistry meters, Readiness readiness, TlsListeners tls) {
    this.tls = requireNonNull(tls, "tls is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.status = requireNonNull(status, "status is null");
    this.metrics = new MetricsEndpoint(meters, registry);
    this.readiness = requireNonNull(readiness, "readiness is null");
    route(Methods.PUT, CLUSTERS, this::add);
    route(Methods.PUT, CLUSTERS + "/", this::add);
    route(Methods.GET, CLUSTERS, this::list);
    route(Methods.GET, CLUSTERS + "/", this::list);
    route(Methods.GET, CLUSTERS + "/{id}", e -> get(e, id(e)));
    route(Methods.DELETE, CLUSTERS + "/{id}", e -> delete(e, id(e)));
    route(Methods.POST, CLUSTERS + "/{id}/activate", e -> changeState(e, id(e), "activate"));
    route(Methods.POST, CLUSTERS + "/{id}/rollback", e -> changeState(e, id(e), "rollback"));
    route(Methods.POST, CLUSTERS + "/{id}/promote", e -> changeState(e, id(e), "promote"));
    route(Methods.POST, CLUSTERS + "/{id}/pause", e -> changeState(e, id(e), "pause"));
    route(Methods.POST, CLUSTERS + "/{id}/resume", e -> changeState(e, id(e), "resume"));
    route(Methods.POST, CLUSTERS + "/{id}/abort", e -> changeState(e, id(e), "abort"));
    route(Methods.POST, CLUSTERS + "/{id}/noise/accept", e -> acceptNoise(e, id(e)));
    route(Methods.GET, "/configuration/strategies", e -> sendJson(e, StatusCodes.OK, status.plugins()));
    route(Methods.GET, "/status", e -> sendJson(e, StatusCodes.OK, status.status()));
    route(Methods.POST, "/tls/reload", this::reloadCertificates);
    route(Methods.GET, "/metrics", this::metrics);
    route(Methods.GET, "/healthz", e -> sendJson(e, StatusCodes.OK, Map.of("status", "live")));
    route(Methods.GET, "/readyz", this::ready);
    route(Methods.GET, "/logging/level", e -> sendJson(e, StatusCodes.OK, LogLevels.configured()));
    route(Methods.PUT, "/logging/level", this::setLogLevel);
    routes.setInvalidMethodHandler(this::notAllowed);
    HttpHandler blocking = new BlockingHandler(routes);
    root = new AdminGuard(exchange -> readBodyThen(exchange, blocking), settings);
    routes.setFallbackHandler(e -> sendError(e, StatusCodes.NOT_FOUND, "", "no such resource: " + e.getRequestPath()));
  }

  /** One route's work, on a worker thread in blocking mode. */
  private interface Route {
    void handle(HttpServerExchange exchange) throws IOException;
  }

  private void route(HttpString method, String template, Route route) {
    routes.add(method, template, exchange -> guarded(exchange, route));
    PathTemplateMatcher.PathMatchResult<Set<String>> known = allowed.match(template);
    if (known != null && known.getMatchedTemplate().equals(template)) {
      known.getValue().add(method.toString());
    } else {
      allowed.add(template, new TreeSet<>(Set.of(method.toString())));
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    root.handleRequest(exchange);
  }

  private static void guarded(HttpServerExchange exchange, Route route) {
    try {
      route.handle(exchange);
    } catch (JsonInputException e) {
      sendError(exchange, StatusCodes.BAD_REQUEST, e.field(), e.getMessage());
    } catch (BodyTooLargeException e) {
      sendError(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "", e.getMessage());
    } catch (StoreUnreachableException e) {
      log.warn("admin request {} {} refused: {}", exchange.getRequestMethod(), exchange.getRequestPath(), e.getMessage());
      sendError(exchange, StatusCodes.SERVICE_UNAVAILABLE, "", "not changed: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      log.error("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      sendError(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "", e.getMessage());
    }
  }

  private static String id(HttpServerExchange exchange) {
    return exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY).getParameters().get("id");
  }

  private void add(HttpServerExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    ClusterConfig parsed = ClusterJson.parseBody(body, clock.millis());
    exchange.putAttachment(AdminGuard.SUBJECT, "version " + parsed.version().label() + " (cluster " + parsed.id() + ")");
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

  private void metrics(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    exchange.getResponseSender().send(metrics.scrape(), StandardCharsets.UTF_8);
  }

  private void ready(HttpServerExchange exchange) {
    String why = readiness.notReadyBecause();
    if (why == null) {
      sendJson(exchange, StatusCodes.OK, Map.of("status", "ready"));
    } else {
      sendJson(exchange, StatusCodes.SERVICE_UNAVAILABLE, Map.of("status", "not ready", "reason", why));
    }
  }

  /** What {@code PUT /logging/level} takes: a logger (the root one when absent) and its level. */
  private record LevelChange(String logger, String level) {}

  private void setLogLevel(HttpServerExchange exchange) throws IOException {
    LevelChange change = Json.read(readBody(exchange), LevelChange.class);
    if (change == null) {
      throw JsonInputException.of("level", "missing: send {\"logger\": \"io.handover\", \"level\": \"DEBUG\"}");
    }
    String logger = change.logger() == null ? "ROOT" : change.logger();
    exchange.putAttachment(AdminGuard.SUBJECT, "log level of " + logger + " to " + change.level());
    try {
      String now = LogLevels.set(change.logger(), change.level());
      sendJson(exchange, StatusCodes.OK, Map.of("logger", logger, "level", now));
    } catch (IllegalStateException e) {
      sendError(exchange, StatusCodes.CONFLICT, "", e.getMessage());
    }
  }

  private void list(HttpServerExchange exchange) {
    sendJson(exchange, StatusCodes.OK, registry.list().stream().map(c -> ClusterJson.toJson(c, false)).toList());
  }

  private void get(HttpServerExchange exchange, String id) {
    Optional<ClusterConfig> found = registry.find(id);
    if (found.isEmpty()) {
      sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      return;
    }
    sendJson(exchange, StatusCodes.OK, ClusterJson.toJson(found.get(), false));
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
    StateChange change = switch (action) {
      case "activate" -> registry.activate(id);
      case "promote" -> registry.promoteNext(id);
      case "pause" -> registry.pause(id, true);
      case "resume" -> registry.pause(id, false);
      case "abort" -> registry.abort(id);
      default -> registry.rollBack(id, "by operator");
    };
    switch (change) {
      case UNKNOWN -> sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      case UNCHANGED -> sendError(exchange, StatusCodes.CONFLICT, "", "cluster " + id + switch (action) {
        case "activate" -> " is already active";
        case "promote" -> " has no promotion stage left (it passed every stage of its promote list, or has none)";
        case "pause" -> ": its rollout is already paused";
        case "resume" -> ": its rollout is not paused";
        case "abort" -> ": its rollout is already aborted";
        default -> " is already rolled back";
      });
      case CHANGED -> {
        exchange.setStatusCode(StatusCodes.ACCEPTED);
        exchange.endExchange();
      }
    }
  }

  /**
   * Makes the noise learned for a CONCURRENT version permanent in its transition, and forgets it
   * as learned: 200 with what was added, 409 when there is nothing to add.
   */
  private void acceptNoise(HttpServerExchange exchange, String id) {
    LiveVersion v = registry.snapshot().get(id);
    if (v == null) {
      sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      return;
    }
    if (!v.config().mode().equals("CONCURRENT")) {
      sendError(exchange, StatusCodes.CONFLICT, "", "cluster " + id + " is in mode " + v.config().mode() + "; only CONCURRENT compares");
      return;
    }
    AcceptedNoise accepted = AcceptedNoise.of(v.config().transition(), v.mirrorStats().noise().places());
    if (accepted.isEmpty()) {
      sendError(exchange, StatusCodes.CONFLICT, "", "no noise learned for cluster " + id + " yet");
      return;
    }
    StateChange change;
    try {
      change = registry.retune(id, accepted::applyTo, accepted.describe());
    } catch (InvalidSettingException e) {
      sendError(exchange, StatusCodes.CONFLICT, "upgradeTransition." + e.field(), "the transition does not take the noise: " + e.getMessage());
      return;
    }
    if (change == StateChange.UNKNOWN) {
      sendError(exchange, StatusCodes.NOT_FOUND, "id", "no cluster with id " + id);
      return;
    }
    v.mirrorStats().noise().forget(accepted.asIgnores());
    sendJson(exchange, StatusCodes.OK, Map.of("ignoreJsonPointers", accepted.jsonPointers(), "ignoreHeaders", accepted.headers()));
  }

  /** 200 with what is served now; 409 naming the file when one did not load (its listener serves what it did before). */
  private void reloadCertificates(HttpServerExchange exchange) {
    if (tls.isEmpty()) {
      sendError(exchange, StatusCodes.NOT_FOUND, "", "no TLS listener is configured (proxy.tls, configService.tls)");
      return;
    }
    java.util.List<String> problems = tls.reload();
    if (!problems.isEmpty()) {
      sendError(exchange, StatusCodes.CONFLICT, "", "not reloaded, the certificates before keep serving: " + String.join("; ", problems));
      return;
    }
    sendJson(exchange, StatusCodes.OK, Map.of("tls", tls.status()));
  }

  /** Reads the whole body without blocking (at most maxBodyBytes), then hands the request to a worker. */
  private void readBodyThen(HttpServerExchange exchange, HttpHandler next) {
    long limit = settings.maxBodyBytes();
    // a declared length past the drain bound is refused at once; one below it is read and dropped (below)
    if (exchange.getRequestContentLength() > Math.max(limit, DRAIN_LIMIT_BYTES)) {
      exchange.setPersistent(false);
      sendError(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "", new BodyTooLargeException(limit).getMessage());
      return;
    }
    // A body past the limit is read on to its end (up to a bound) and dropped before the 413 goes
    // out: closing with bytes unread would make the kernel reset the connection, and the client
    // might never read the answer.
    java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
    long[] dropped = {0};
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(-1);
    receiver.receivePartialBytes((ex, part, last) -> {
      if (dropped[0] == 0 && held.size() + part.length <= limit) {
        held.write(part, 0, part.length);
      } else {
        dropped[0] += part.length;
        if (dropped[0] > DRAIN_LIMIT_BYTES) {
          IoUtils.safeClose(ex.getConnection());
          return;
        }
      }
      if (!last) {
        return;
      }
      if (dropped[0] > 0) {
        ex.setPersistent(false);
        sendError(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "", new BodyTooLargeException(limit).getMessage());
        return;
      }
      ex.putAttachment(BODY, held.toByteArray());
      ex.dispatch(next);
    }, (ex, e) -> {
      ex.setPersistent(false);
      if (e instanceof RequestTooBigException) {
        sendError(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "", new BodyTooLargeException(limit).getMessage());
      } else {
        // the client went away or stalled past the read deadline: nobody to answer
        IoUtils.safeClose(ex.getConnection());
      }
    });
  }

  private static byte[] readBody(HttpServerExchange exchange) {
    byte[] body = exchange.getAttachment(BODY);
    return body == null ? new byte[0] : body;
  }

  private void notAllowed(HttpServerExchange exchange) {
    PathTemplateMatcher.PathMatchResult<Set<String>> match = allowed.match(exchange.getRelativePath());
    String allow = match == null ? "" : String.join(", ", match.getValue());
    exchange.getResponseHeaders().put(Headers.ALLOW, allow);
    sendError(exchange, StatusCodes.METHOD_NOT_ALLOWED, "", exchange.getRequestMethod() + " is not allowed here; use " + allow);
  }

  static void sendJson(HttpServerExchange exchange, int status, Object body) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(json, StandardCharsets.UTF_8);
  }

  static void sendError(HttpServerExchange exchange, int status, String field, String message) {
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("error", message);
    if (!field.isEmpty()) {
      body.put("field", field);
    }
    sendJson(exchange, status, body);
  }

  private static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException(long limit) {
      super("the request body is larger than the limit of " + limit + " bytes (configService.maxBodyBytes)");
    }
  }
}

package io.handover.engine.proxy;

import static java.util.Objects.requireNonNull;

import io.handover.api.Mirror;
import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path. On the IO thread, for every request: read the current snapshot, let the newest
 * active version's strategy pick the version, then hand the request to Undertow's proxy, whose
 * {@link VersionProxyClient} connects to that version and falls back to older ones.
 */
public final class UpgradeProxyHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(UpgradeProxyHandler.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final VersionRegistry registry;
  private final ProxySettings settings;
  private final ProxyHandler proxy;
  private final ThreadPoolExecutor comparisons;
  private final IdempotentRequest retrySafe = new IdempotentRequest();
  private final AtomicLong strategyFailures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  public UpgradeProxyHandler(VersionRegistry registry, ProxySettings settings) {
    this.registry = requireNonNull(registry, "registry is null");
    this.settings = requireNonNull(settings, "settings is null");
    // Bounded: when comparisons fall behind, the older version's answer is served uncompared
    // (and counted) rather than making live traffic wait.
    this.comparisons = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024), r -> {
      Thread t = new Thread(r, "handover-compare");
      t.setDaemon(true);
      return t;
    });
    this.proxy = ProxyHandler.builder()
        .setProxyClient(new VersionProxyClient())
        .setMaxRequestTime(settings.maxRequestTimeMillis())
        .setReuseXForwarded(settings.trustForwardedHeaders())
        .setRewriteHostHeader(false)
        .setIdempotentRequestPredicate(retrySafe)
        .setNext(ResponseCodeHandler.HANDLE_404)
        .build();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addDefaultResponseListener(ErrorResponses.JSON_BODY);
    Snapshot snapshot = registry.snapshot();
    LiveVersion newest = snapshot.newestActive();
    if (newest == null) {
      ErrorResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "no version is registered");
      return;
    }
    RoutingDecision decision = decide(exchange, snapshot, newest);
    LiveVersion target = snapshot.get(decision.target());
    if (target == null || !target.info().isActive()) {
      target = newest;
    }
    List<SetCookie> cookies = decision.cookies();
    if (!cookies.isEmpty()) {
      // added at commit, so that the backend's own Set-Cookie headers are kept too
      exchange.addResponseCommitListener(ex -> {
        for (SetCookie cookie : cookies) {
          ex.getResponseHeaders().add(Headers.SET_COOKIE, cookie.headerValue());
        }
      });
    }
    HopByHopHeaders.strip(exchange.getRequestHeaders());
    Mirror mirror = decision.mirror();
    if (mirror != null && mirrors(exchange, snapshot, target, mirror)) {
      new MirroredExchange(exchange, target, snapshot.get(mirror.candidate()), mirror, comparisons,
          settings.trustForwardedHeaders()).start(settings.maxRequestTimeMillis());
      return;
    }
    Route route = new Route(snapshot, target);
    if (RequestBodies.fitInMemory(exchange, settings.maxBufferedBodyBytes())) {
      new FailoverExchange(exchange, route, settings, retrySafe.resolve(exchange)).start();
      return;
    }
    // a large or chunked body is streamed: Undertow's proxy retries it only while nothing was sent
    exchange.addResponseCommitListener(ex -> HopByHopHeaders.strip(ex.getResponseHeaders()));
    exchange.putAttachment(Route.KEY, route);
    proxy.handleRequest(exchange);
  }

  private static boolean mirrors(HttpServerExchange exchange, Snapshot snapshot, LiveVersion target, Mirror mirror) {
    LiveVersion candidate = snapshot.get(mirror.candidate());
    if (candidate == null || !candidate.info().isActive() || candidate == target) {
      return false;
    }
    if (mirror.mirrorMethods().contains(exchange.getRequestMethod().toString())
        && RequestBodies.fitInMemory(exchange, mirror.maxBodyBytes())) {
      return true;
    }
    candidate.mirrorStats().skip();
    return false;
  }

  private RoutingDecision decide(HttpServerExchange exchange, Snapshot snapshot, LiveVersion newest) {
    try {
      return newest.strategy().decide(new ExchangeRequestView(exchange), snapshot.versions());
    } catch (RuntimeException e) {
      long failures = strategyFailures.incrementAndGet();
      long now = System.nanoTime();
      long last = lastFailureLog.get();
      if (now - last >= LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
        log.warn("strategy {} of version {} failed ({} failures so far); sending requests to the newest version",
            newest.info().mode(), newest.info().version(), failures, e);
      }
      return RoutingDecision.to(newest.info());
    }
  }

  /** Stops the comparison workers. */
  public void close() {
    comparisons.shutdownNow();
  }

  /** How many routing decisions a strategy failed to make since start. */
  public long strategyFailures() {
    return strategyFailures.get();
  }
}

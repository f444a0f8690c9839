package io.handover.engine.proxy;

import static java.util.Objects.requireNonNull;

import io.handover.api.Mirror;
import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.ResponseCommitListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The request path. On the IO thread, for every request: read the current snapshot, let the newest
 * active version's strategy pick the version, read the start of the body (all of it when it is small
 * enough to hold), then hand the request to one {@link ProxyExchange} — or, when the strategy
 * mirrors it and the body is held whole, to a {@link MirroredExchange}.
 */
public final class UpgradeProxyHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(UpgradeProxyHandler.class);
  private final ClientErrorLog clientErrors = new ClientErrorLog(UpgradeProxyHandler.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final VersionRegistry registry;
  private final ProxySettings settings;
  private final Comparisons comparisons;
  private final AttemptOutcomes outcomes = new AttemptOutcomes();
  private final BodyBudget bodyBudget;
  private final AtomicLong strategyFailures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  private final AccessLog accessLog;
  /** Set when a stop begins: every answer from then on closes its connection. */
  private volatile boolean draining;
  /** When the last request arrived after the stop began (written only then). */
  private volatile long lastRequestWhileDraining;
  /** Makes an answer that began before the stop, and is sent after it began, close its connection too. */
  private final ResponseCommitListener closeWhenDraining = exchange -> {
    if (draining) {
      exchange.setPersistent(false);
      exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.CLOSE.toString());
    }
  };

  public UpgradeProxyHandler(VersionRegistry registry, ProxySettings settings) {
    this(registry, settings, false, false);
  }

  /**
   * @param accessLog whether each request is written to the {@code io.handover.access} logger
   * @param accessLogJson whether those lines are JSON objects
   */
  public UpgradeProxyHandler(VersionRegistry registry, ProxySettings settings, boolean accessLog, boolean accessLogJson) {
    this.registry = requireNonNull(registry, "registry is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.accessLog = accessLog ? new AccessLog(accessLogJson) : null;
    this.bodyBudget = new BodyBudget(settings.limits().maxBufferedBodyBytesTotal());
    // Bounded: when comparisons fall behind, the older version's answer is served uncompared
    // (and counted) rather than making live traffic wait.
    this.comparisons = new Comparisons(2, 1024);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    long startNanos = System.nanoTime();
    exchange.addDefaultResponseListener(ErrorResponses.JSON_BODY);
    if (accessLog != null) {
      accessLog.begin(exchange);
    }
    if (draining) {
      exchange.setPersistent(false);
      lastRequestWhileDraining = System.nanoTime();
    } else {
      exchange.addResponseCommitListener(closeWhenDraining);
    }
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
    BackendPool.of(target).track(exchange);
    List<SetCookie> cookies = decision.cookies();
    if (!cookies.isEmpty()) {
      // added at commit, so that the backend's own Set-Cookie headers are kept too
      exchange.addResponseCommitListener(ex -> {
        for (SetCookie cookie : cookies) {
          ex.getResponseHeaders().add(Headers.SET_COOKIE, cookie.headerValue());
        }
      });
    }
    if (HopByHopHeaders.connectionHas(exchange.getRequestHeaders(), "close")) {
      // Undertow only honours a Connection header that is exactly "close"
      exchange.setPersistent(false);
    }
    String upgrade = HopByHopHeaders.upgradeRequested(exchange.getRequestHeaders());
    LiveVersion routed = target;
    boolean grpc = Grpc.isCall(exchange);
    Mirror mirror = upgrade == null ? mirrorFor(exchange, snapshot, target, decision.mirror()) : null;
    int limit = mirror == null ? settings.maxBufferedBodyBytes()
        : (int) Math.min(Integer.MAX_VALUE - 16, Math.max(settings.maxBufferedBodyBytes(), mirror.maxBodyBytes()));
    StrictChunkedBody.install(exchange, settings.maxRequestBodyBytes());
    BodyProgress.install(exchange);
    // Dispatched so that the exchange stays open while its body arrives and the backends answer.
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> RequestBody.read(exchange, limit, settings.maxRequestBodyBytes(), settings.limits().bodyReadTimeoutMillis(), bodyBudget, grpc,
        new RequestBody.Listener() {
      @Override
      public void onBody(RequestBody body) {
        LiveVersion candidate = mirror == null ? null : snapshot.get(mirror.candidate());
        if (candidate != null && body.complete() && body.heldLength() <= mirror.maxBodyBytes()) {
          new MirroredExchange(exchange, snapshot, routed, candidate, mirror, body, comparisons, settings, outcomes,
              startNanos).start();
          return;
        }
        if (candidate != null) {
          candidate.mirrorStats().skip(grpc && !body.complete() ? "a streaming gRPC call is not mirrored"
              : "the request body is larger than maxBodyBytes");
        }
        new ProxyExchange(exchange, new Route(snapshot, routed), body, settings, outcomes,
            IdempotentRequest.retrySafe(exchange), upgrade, startNanos, grpc).start();
      }

      @Override
      public void onClientError(IOException e) {
        // a body that breaks off or breaks its framing never reaches a backend
        if (e instanceof ClientBodyException refused && !exchange.isResponseStarted()) {
          clientErrors.report(refused.status(), refused.getMessage(), exchange);
          exchange.setPersistent(false);
          ErrorResponses.send(exchange, refused.status(), refused.getMessage());
          return;
        }
        IoUtils.safeClose(exchange.getConnection());
      }
    }));
  }

  /** The decision's mirror when it can be carried out for this request, else null (counted). */
  private static Mirror mirrorFor(HttpServerExchange exchange, Snapshot snapshot, LiveVersion target, Mirror mirror) {
    if (mirror == null) {
      return null;
    }
    LiveVersion candidate = snapshot.get(mirror.candidate());
    if (candidate == null || !candidate.info().isActive() || candidate == target) {
      return null;
    }

    if (!mirror.mirrorMethods().contains(exchange.getRequestMethod().toString())) {
      candidate.mirrorStats().skip("the method " + exchange.getRequestMethod() + " is not mirrored");
      return null;
    }
    return mirror;
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

  /**
   * Begins a stop: from now on every answer carries {@code Connection: close}, so that kept-alive
   * clients open their next connection to whichever process listens then.
   */
  public void drain() {
    lastRequestWhileDraining = System.nanoTime();
    draining = true;
    // WebSockets are told the proxy is going away; they close once both ends said so
    WebSocketRelay.OPEN.forEach(WebSocketRelay::goAway);
  }

  public boolean draining() {
    return draining;
  }

  /** How long ago the last request arrived since the stop began; since the stop began when none did. */
  public long nanosSinceLastRequestWhileDraining() {
    return System.nanoTime() - lastRequestWhileDraining;
  }

  /** Upgraded connections (WebSocket and the like) open right now, in every proxy of this process. */
  public int openUpgrades() {
    return ResponseStream.OPEN_UPGRADES.get();
  }

  /** Requests routed to a version and not yet complete (upgraded connections are complete). */
  public int inFlight() {
    int n = 0;
    for (LiveVersion v : registry.snapshot().all()) {
      n += BackendPool.of(v).meters().inFlight();
    }
    return n;
  }

  /** Stops the comparison workers and writes what the access log holds. */
  public void close() {
    comparisons.shutdown();
    if (accessLog != null) {
      accessLog.close();
    }
  }

  /** The bytes of request bodies held in memory right now. */
  public long heldBodyBytes() {
    return bodyBudget.used();
  }

  /** How many routing decisions a strategy failed to make since start. */
  public long strategyFailures() {
    return strategyFailures.get();
  }
}

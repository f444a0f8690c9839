package io.handover.engine.proxy;

import io.handover.api.ComparisonResult;
import io.handover.api.Difference;
import io.handover.api.Ignores;
import io.handover.api.Mirror;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseSummary;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.telemetry.MirrorStats;
import io.handover.engine.telemetry.NoiseStats;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.telemetry.FailureKind;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request sent to two versions at once (CONCURRENT mode): the target (older) version, whose
 * answer is the safe one, and the candidate (newer) version under test. Both responses are read
 * and summarised as they stream in; when both are in (or one missed the mirror's timeout) the
 * comparators run on a worker ({@link Comparisons}), and the chosen response is written to the client. The candidate's
 * answer is served only when it is whole and matched. An answer of the older version larger than
 * the comparison limit is not compared: it is streamed to the client whole, and counted as skipped.
 * When both versions fail the request moves on to older versions as any other request does.
 *
 * <p>A sampled share of requests ({@link Mirror#noiseSampleRate()}) also goes to a second server
 * of the target version, when it has one. That third answer is never served and never waited for:
 * when it is in (within the mirror's timeout) it is compared with the target's by the same
 * comparators, and the places where the two differ are noise ({@link NoiseStats}), left out of
 * later comparisons when {@link Mirror#learnNoise()} is on.
 *
 * <p>Everything but the comparison runs on the exchange's IO thread, so no state here is shared
 * between threads without a hand-over through {@link HttpServerExchange#getIoThread()}.
 */
final class MirroredExchange extends Deadlines.Entry {

  /** A gRPC call: both legs over HTTP/2, trailers (grpc-status, grpc-message) compared and served. */
  private final boolean grpc;

  private final HttpServerExchange exchange;
  private final Snapshot snapshot;
  private final Mirror mirror;
  private final MirrorStats stats;
  private final Comparisons comparisons;
  private final ProxySettings settings;
  private final AttemptOutcomes outcomes;
  private final RequestBody requestBody;
  private final long startNanos;
  private final Leg target;
  private final Leg candidate;
  /** A second server of the target version, for sampled requests; or null. */
  private Leg sibling;
  private boolean noiseCompared;
  private boolean decided;
  private Deadlines deadlines;
  /** Read buffer of the IO thread: a leg reads what is ready and copies it out before returning. */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(16 * 1024));
  private static final MessageDigest SHA256 = newSha256();

  MirroredExchange(HttpServerExchange exchange, Snapshot snapshot, LiveVersion target, LiveVersion candidate, Mirror mirror,
      RequestBody requestBody, Comparisons comparisons, ProxySettings settings, AttemptOutcomes outcomes, long startNanos) {
    this.exchange = exchange;
    this.grpc = Grpc.isCall(exchange);
    this.snapshot = snapshot;
    this.mirror = mirror;
    this.stats = candidate.mirrorStats();
    this.comparisons = comparisons;
    this.settings = settings;
    this.outcomes = outcomes;
    this.requestBody = requestBody;
    this.startNanos = startNanos;
    this.target = new Leg(target, Role.TARGET);
    this.candidate = new Leg(candidate, Role.CANDIDATE);
  }

  /** Sends the request, whose body is held whole, to both versions; the exchange is dispatched. */
  void start() {
    this.deadlines = Deadlines.of(exchange.getIoThread());
    if (settings.maxRequestTimeMillis() > 0) {
      deadlines.schedule(this, remainingMillis());
    }
    target.connect();
    candidate.connect();
    if (target.call != null && mirror.noiseSampleRate() > 0 && stats.noise().sampleNext(mirror.noiseSampleRate())) {
      Attempts tried = new Attempts();
      tried.add(target.call.backend);
      BackendPool.Backend other = BackendPool.of(target.version).choose(tried);
      if (other != null) {
        sibling = new Leg(target.version, Role.SIBLING);
        sibling.connectTo(other);
      }
    }
  }

  private long remainingMillis() {
    return Math.max(0, settings.maxRequestTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000);
  }

  @Override
  void expired() {
    if (decided) {
      abortSibling("no answer within " + mirror.timeout().toMillis() + " ms of the other version");
      return;
    }
    if (settings.maxRequestTimeMillis() > 0 && remainingMillis() <= 0) {
      decided = true;
      target.abort(FailureKind.REQUEST_TIME_LIMIT, "no answer within the request time limit");
      candidate.abort(FailureKind.REQUEST_TIME_LIMIT, "no answer within the request time limit");
      fail(StatusCodes.GATEWAY_TIME_OUT, "no version answered in time");
      return;
    }
    // the mirror's timeout for the slower version
    Leg slow = target.finished ? candidate : target;
    slow.abort(FailureKind.FIRST_BYTE_TIMEOUT, "no answer within " + mirror.timeout().toMillis() + " ms of the other version");
  }

  /** Called on the IO thread each time a leg finishes. */
  private void legDone(Leg leg) {
    if (leg == sibling) {
      compareNoise();
      if (decided) {
        cancelTimer();
      }
      return;
    }
    if (decided) {
      return;
    }
    Leg other = leg == target ? candidate : target;
    if (!other.finished) {
      // the first answer is in: the other gets the mirror's timeout, then is given up
      long wait = mirror.timeout().toMillis();
      if (settings.maxRequestTimeMillis() > 0) {
        wait = Math.min(wait, remainingMillis());
      }
      deadlines.schedule(this, wait);
      return;
    }
    decide();
  }

  private void decide() {
    decided = true;
    if (sibling != null && !sibling.finished) {
      // the sampled third answer gets the mirror's timeout too, but nobody waits for it
      deadlines.schedule(this, mirror.timeout().toMillis());
    } else {
      cancelTimer();
    }
    ResponseSummary t = target.summary;
    ResponseSummary c = candidate.summary;
    if (!t.succeeded() && (!c.succeeded() || !candidate.whole())) {
      stats.mismatch(mismatch(List.of("both versions failed: " + t.failure() + " / "
          + (c.succeeded() ? "the answer is larger than maxBodyBytes" : c.failure()))));
      failOver();
      return;
    }
    if (!t.succeeded()) {
      stats.mismatch(mismatch(List.of("the older version failed: " + t.failure())));
      serve(candidate);
      return;
    }
    if (!c.succeeded()) {
      stats.mismatch(mismatch(List.of("the candidate failed: " + c.failure())));
      serve(target);
      return;
    }
    stats.latencies().record(c.latencyNanos(), t.latencyNanos());
    ResponseSummary other = takeSiblingSummary();
    Verdict verdict = new Verdict(t, c, other);
    if (!comparisons.submit(exchange.getIoThread(), verdict)) {
      verdict.conclude(); // uncompared: the older answer, counted as dropped
    }
  }

  /** The comparison of the two versions' answers, and then the answer it lets through. */
  private final class Verdict implements Comparisons.Job {
    private final ResponseSummary older;
    private final ResponseSummary newer;
    /** The answer of a second server of the older version, when it is to be compared too; or null. */
    private final ResponseSummary otherOlder;
    /** Why they differ; null until compared (and when the comparison was dropped). */
    private List<String> reasons;

    Verdict(ResponseSummary older, ResponseSummary newer, ResponseSummary otherOlder) {
      this.older = older;
      this.newer = newer;
      this.otherOlder = otherOlder;
    }

    @Override
    public void compare() {
      if (otherOlder != null) {
        learnNoise(older, otherOlder);
      }
      reasons = MirroredExchange.this.compare(older, newer);
    }

    @Override
    public void conclude() {
      if (reasons == null) {
        stats.drop();
        serve(target);
      } else if (reasons.isEmpty() && candidate.whole()) {
        stats.match();
        outcomes.compared(exchange, candidate.version, true);
        serve(candidate);
      } else {
        stats.mismatch(mismatch(reasons.isEmpty() ? List.of("the candidate's answer is larger than maxBodyBytes") : reasons));
        outcomes.compared(exchange, candidate.version, false);
        serve(target);
      }
    }
  }

  /** A sampled answer of a second server of the older version, compared with the first one's to learn noise. */
  private final class NoiseSample implements Comparisons.Job {
    private final ResponseSummary older;
    private final ResponseSummary otherOlder;

    NoiseSample(ResponseSummary older, ResponseSummary otherOlder) {
      this.older = older;
      this.otherOlder = otherOlder;
    }

    @Override
    public void compare() {
      learnNoise(older, otherOlder);
    }

    @Override
    public void conclude() {
      // nothing waits for a sample
    }
  }

  /**
   * Neither version gave an answer that can be served: the request goes on to the target's other
   * servers and then to older versions, as any request would. Both versions have seen it, so
   * only a retry-safe request goes again.
   */
  private void failOver() {
    if (!IdempotentRequest.retrySafe(exchange)) {
      fail(StatusCodes.BAD_GATEWAY, "both versions failed: " + target.summary.failure());
      return;
    }
    Route route = new Route(snapshot, target.version);
    if (target.call != null) {
      route.attempts.add(target.call.backend);
    }
    new ProxyExchange(exchange, route, requestBody, settings, outcomes, true, null, startNanos).start();
  }

  /**
   * The second server's answer, when both it and the target's are in, can be compared and were not
   * yet; null otherwise. Taken once.
   */
  private ResponseSummary takeSiblingSummary() {
    if (sibling == null || noiseCompared || !sibling.finished || target.summary == null) {
      return null;
    }
    noiseCompared = true;
    ResponseSummary t = target.summary;
    ResponseSummary s = sibling.summary;
    return t.succeeded() && s.succeeded() && t.hasBody() == s.hasBody() ? s : null;
  }

  /** The sampled answer came in after the decision: its comparison with the target's runs on its own. */
  private void compareNoise() {
    if (!decided) {
      return; // decide() takes it
    }
    ResponseSummary t = target.summary;
    ResponseSummary other = takeSiblingSummary();
    if (other == null) {
      return;
    }
    // a sample is worth less than a comparison: when the queue is full it is left out, uncounted
    comparisons.submit(exchange.getIoThread(), new NoiseSample(t, other));
  }

  /** Compares two answers of the target version; where they differ is noise. Runs on a worker. */
  private void learnNoise(ResponseSummary older, ResponseSummary otherOlder) {
    List<Difference> found = new ArrayList<>();
    for (ResponseComparator comparator : mirror.comparators()) {
      try {
        found.addAll(comparator.compare(older, otherOlder, Ignores.NONE).differences());
      } catch (RuntimeException e) {
        // the comparison of the two versions reports a failing comparator; a sample just has no place
      }
    }
    stats.noise().sampled(found);
  }

  private void abortSibling(String why) {
    if (sibling != null && !sibling.finished) {
      sibling.abort(FailureKind.CANCELLED, why);
    }
  }

  private List<String> compare(ResponseSummary t, ResponseSummary c) {
    List<String> reasons = new ArrayList<>();
    Ignores extra = mirror.learnNoise() ? stats.noise().learned() : Ignores.NONE;
    for (ResponseComparator comparator : mirror.comparators()) {
      try {
        ComparisonResult result = comparator.compare(t, c, extra);
        if (!result.matches()) {
          reasons.add(result.reason());
        }
      } catch (RuntimeException e) {
        reasons.add(comparator.getClass().getSimpleName() + " failed: " + e);
      }
    }
    return reasons;
  }

  private MirrorStats.Mismatch mismatch(List<String> reasons) {
    String query = exchange.getQueryString();
    return new MirrorStats.Mismatch(System.currentTimeMillis(), exchange.getRequestMethod().toString(),
        exchange.getRequestPath() + (query.isEmpty() ? "" : "?" + query), reasons, target.summary, candidate.summary);
  }

  private void serve(Leg leg) {
    if (leg.call != null) {
      AccessLog.served(exchange, leg.version, leg.call.backend);
    }
    exchange.setStatusCode(leg.response.getResponseCode());
    copyResponseHeaders(leg.response.getResponseHeaders(), exchange.getResponseHeaders());
    exchange.getResponseHeaders().remove(Headers.TRANSFER_ENCODING);
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      String length = leg.response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
      if (length != null) {
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
      }
      exchange.endExchange();
      return;
    }
    if (leg.trailers != null) {
      exchange.putAttachment(io.undertow.server.protocol.http.HttpAttachments.RESPONSE_TRAILERS, leg.trailers);
    }
    if (grpc && leg.body.size() == 0) {
      // a trailers-only answer: its head ends the stream
      exchange.endExchange();
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, leg.body.size());
    exchange.getResponseSender().send(leg.body.view());
  }

  /**
   * Serves the target's response whole, its start from what was read and the rest as it streams:
   * it is too large to compare.
   */
  private void streamTarget(ClientExchange result, ByteBuffer start) {
    decided = true;
    cancelTimer();
    candidate.abort(FailureKind.CANCELLED, "not compared: the older version's answer is larger than maxBodyBytes");
    abortSibling("not compared: the older version's answer is larger than maxBodyBytes");
    stats.skip("the older version's answer is larger than maxBodyBytes (" + mirror.maxBodyBytes() + " bytes)");
    if (target.call != null) {
      AccessLog.served(exchange, target.version, target.call.backend);
    }
    ResponseStream.relay(exchange, result, start, result.getResponseChannel());
  }

  private void fail(int status, String why) {
    decided = true;
    cancelTimer();
    abortSibling(why);
    if (exchange.isResponseStarted()) {
      IoUtils.safeClose(exchange.getConnection());
    } else {
      ErrorResponses.send(exchange, status, why);
    }
  }

  private void cancelTimer() {
    if (deadlines != null) {
      deadlines.cancel(this);
    }
  }

  private static void copyResponseHeaders(HeaderMap from, HeaderMap to) {
    for (HeaderValues values : from) {
      if (!to.contains(values.getHeaderName())) {
        to.putAll(values.getHeaderName(), values);
      }
    }
    HopByHopHeaders.strip(to);
    to.remove(Headers.CONTENT_LENGTH);
  }

  /** What a leg is for. */
  private enum Role {
    /** The older version's answer: the safe one. */
    TARGET,
    /** The newer version's answer, under test. */
    CANDIDATE,
    /** A second server of the older version, for a noise sample: never served. */
    SIBLING
  }

  /** One version's side of the mirrored request. */
  private final class Leg implements BackendCall.Listener {
    private final LiveVersion version;
    private final Role role;
    private final boolean isTarget;
    private final long started = System.nanoTime();
    private BackendCall call;
    private ClientResponse response;
    private ClientExchange currentExchange;
    /** The body's start, up to the comparison limit. */
    private final BodyBytes body = new BodyBytes();
    private final MessageDigest sha = sha256();
    private long length;
    private boolean finished;
    private ResponseSummary summary;
    /** The answer's trailers, once it is whole; null when it had none. */
    private io.undertow.util.HeaderMap trailers;

    Leg(LiveVersion version, Role role) {
      this.version = version;
      this.role = role;
      this.isTarget = role == Role.TARGET;
    }

    /** Whether the whole body is held, so that it can be served. */
    boolean whole() {
      return length <= mirror.maxBodyBytes();
    }

    void connect() {
      BackendPool.Backend backend = BackendPool.of(version).choose(new Attempts());
      if (backend == null) {
        outcomes.failure(exchange, version, null, FailureKind.NO_SERVER, started);
        finish("no server of version " + version.info().version() + " is available");
        return;
      }
      connectTo(backend);
    }

    void connectTo(BackendPool.Backend backend) {
      call = new BackendCall(exchange, backend, requestBody, null, settings.trustForwardedHeaders(), this, grpc);
      call.start();
    }

    @Override
    public void onFailure(BackendCall c, FailureKind kind, String why) {
      outcomes.failure(exchange, version, c.backend, kind, c.startNanos);
      finish(why);
    }

    @Override
    public void onResponse(BackendCall c, ClientExchange result) {
      int status = result.getResponse().getResponseCode();
      if (role != Role.CANDIDATE) {
        if (status >= 500) {
          outcomes.failure(exchange, version, c.backend, FailureKind.SERVER_ERROR, c.startNanos);
        } else {
          outcomes.success(exchange, version, c.backend, status, c.startNanos);
        }
      } else {
        outcomes.answered(c.backend, status, c.startNanos);
      }
      if (finished || InterimResponses.isInterim(status)) {
        // an interim answer is not compared: the leg is given up, and a request both legs gave up
        // is served by the failover path, which reads past interim answers
        IoUtils.safeClose(result.getConnection());
        finish("an interim answer (" + status + ") is not compared");
        return;
      }
      this.response = result.getResponse();
      this.currentExchange = result;
      boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
      String declared = response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
      if (isTarget && !decided && !head && declared != null && parseLong(declared) > mirror.maxBodyBytes()) {
        finished = true;
        streamTarget(result, null);
        return;
      }
      StreamSourceChannel channel = result.getResponseChannel();
      ChannelListener<StreamSourceChannel> reader = new ChannelListener<>() {
        @Override
        public void handleEvent(StreamSourceChannel ch) {
          if (finished) {
            return;
          }
          ByteBuffer buffer = READ_BUFFER.get();
          try {
            while (true) {
              buffer.clear();
              int n = ch.read(buffer);
              if (n == -1) {
                ch.suspendReads();
                complete();
                return;
              }
              if (n == 0) {
                ch.getReadSetter().set(this);
                ch.resumeReads();
                return;
              }
              buffer.flip();
              sha.update(buffer.duplicate());
              length += n;
              if (length <= mirror.maxBodyBytes()) {
                body.write(buffer.array(), 0, n);
              } else if (isTarget && !decided) {
                // too large to compare: what was read goes first, then the rest as it comes
                finished = true;
                ch.suspendReads();
                ch.getReadSetter().set(null);
                ByteBuffer start = ByteBuffer.allocate(body.size() + n);
                start.put(body.view()).put(buffer).flip();
                streamTarget(result, start);
                return;
              }
            }
          } catch (IOException e) {
            abort(FailureKind.RESET, "reading the response failed: " + e.getMessage());
          }
        }
      };
      FirstRead.start(channel, reader);
    }

    private void complete() {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (HeaderValues values : response.getResponseHeaders()) {
        headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(values));
      }
      // Undertow's client keeps a response's trailers under this key; compared like headers (a gRPC call's status is there)
      trailers = currentExchange.getAttachment(io.undertow.server.protocol.http.HttpAttachments.REQUEST_TRAILERS);
      if (trailers != null) {
        for (HeaderValues values : trailers) {
          headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(values));
        }
      }
      summary = new ResponseSummary(response.getResponseCode(), headers, length, HexFormat.of().formatHex(sha.digest()),
          whole() ? body.view() : null, System.nanoTime() - started, null);
      finished = true;
      legDone(this);
    }

    /** Gives this leg up: closes its connection so that it is not reused half-read. */
    void abort(FailureKind kind, String why) {
      if (finished) {
        return;
      }
      if (call != null && !call.done()) {
        call.abort(kind, why);
      } else {
        if (response != null && currentExchange != null) {
          IoUtils.safeClose(currentExchange.getConnection());
          if (kind.blamesServer()) {
            outcomes.failure(exchange, version, call.backend, kind, call.startNanos);
          }
        }
        finish(why);
      }
    }

    private void finish(String failure) {
      if (finished) {
        return;
      }
      finished = true;
      summary = ResponseSummary.failed(failure, System.nanoTime() - started);
      legDone(this);
    }
  }

  /** The bytes of a body as they arrive, read in place rather than copied out. */
  private static final class BodyBytes extends ByteArrayOutputStream {
    /** The bytes so far; valid until the next write. */
    ByteBuffer view() {
      return ByteBuffer.wrap(buf, 0, count);
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A fresh digest, cloned from a prototype: cheaper than a provider look-up per response. */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

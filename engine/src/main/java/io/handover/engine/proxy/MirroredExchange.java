package io.handover.engine.proxy;

import io.handover.api.ComparisonResult;
import io.handover.api.Mirror;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseSummary;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.MirrorStats;
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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request sent to two versions at once (CONCURRENT mode): the target (older) version, whose
 * answer is the safe one, and the candidate (newer) version under test. Both responses are read
 * and summarised as they stream in; when both are in (or one missed the mirror's timeout) the
 * comparators run on a worker, and the chosen response is written to the client.
 *
 * <p>Everything but the comparison runs on the exchange's IO thread, so no state here is shared
 * between threads without a hand-over through {@link HttpServerExchange#getIoThread()}.
 */
final class MirroredExchange extends Deadlines.Entry {

  /** A target response without Content-Length is held whole until the decision, up to this size. */
  static final int MAX_BUFFERED_TARGET_BYTES = 64 * 1024 * 1024;

  private final HttpServerExchange exchange;
  private final Mirror mirror;
  private final MirrorStats stats;
  private final Executor comparisons;
  private final boolean trustForwarded;
  private final Leg target;
  private final Leg candidate;
  private byte[] requestBody;
  private boolean decided;
  private Deadlines deadlines;
  private long startNanos;
  private int maxRequestTimeMillis;
  /** Read buffer of the IO thread: a leg reads what is ready and copies it out before returning. */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(16 * 1024));
  private static final MessageDigest SHA256 = newSha256();

  MirroredExchange(HttpServerExchange exchange, LiveVersion target, LiveVersion candidate, Mirror mirror,
      Executor comparisons, boolean trustForwarded) {
    this.exchange = exchange;
    this.trustForwarded = trustForwarded;
    this.mirror = mirror;
    this.stats = candidate.mirrorStats();
    this.comparisons = comparisons;
    this.target = new Leg(target, true);
    this.candidate = new Leg(candidate, false);
  }

  /** Reads the request body (non-blocking) and sends the request to both versions. */
  void start(int maxRequestTimeMillis) {
    this.deadlines = Deadlines.of(exchange.getIoThread());
    this.startNanos = System.nanoTime();
    this.maxRequestTimeMillis = maxRequestTimeMillis;
    if (maxRequestTimeMillis > 0) {
      deadlines.schedule(this, maxRequestTimeMillis);
    }
    // Dispatching first keeps the exchange open after the handler returns, also when the body is
    // already buffered and the receiver calls back at once.
    exchange.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () -> {
      if (exchange.getRequestContentLength() > 0) {
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> ex.dispatch(io.undertow.util.SameThreadExecutor.INSTANCE, () -> send(body)),
            (ex, e) -> fail(StatusCodes.BAD_REQUEST, "the request body could not be read"));
      } else {
        send(new byte[0]);
      }
    });
  }

  private void send(byte[] body) {
    this.requestBody = body;
    target.connect();
    candidate.connect();
  }

  @Override
  void expired() {
    if (decided) {
      return;
    }
    long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
    if (maxRequestTimeMillis > 0 && elapsedMillis >= maxRequestTimeMillis) {
      decided = true;
      target.abort("no answer within the request time limit");
      candidate.abort("no answer within the request time limit");
      fail(StatusCodes.GATEWAY_TIME_OUT, "no version answered in time");
      return;
    }
    // the mirror's timeout for the slower version
    Leg slow = target.finished ? candidate : target;
    slow.abort("no answer within " + mirror.timeout().toMillis() + " ms of the other version");
  }

  /** Called on the IO thread each time a leg finishes. */
  private void legDone(Leg leg) {
    if (decided) {
      return;
    }
    Leg other = leg == target ? candidate : target;
    if (!other.finished) {
      // the first answer is in: the other gets the mirror's timeout, then is given up
      long wait = mirror.timeout().toMillis();
      if (maxRequestTimeMillis > 0) {
        wait = Math.min(wait, Math.max(0, maxRequestTimeMillis - (System.nanoTime() - startNanos) / 1_000_000));
      }
      deadlines.schedule(this, wait);
      return;
    }
    decide();
  }

  private void decide() {
    decided = true;
    cancelTimer();
    ResponseSummary t = target.summary;
    ResponseSummary c = candidate.summary;
    if (!t.succeeded() && !c.succeeded()) {
      stats.mismatch(mismatch(List.of("both versions failed: " + t.failure() + " / " + c.failure())));
      fail(StatusCodes.BAD_GATEWAY, "both versions failed: " + t.failure());
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
    try {
      comparisons.execute(() -> {
        List<String> reasons = compare(t, c);
        exchange.getIoThread().execute(() -> {
          if (reasons.isEmpty()) {
            stats.match();
            candidate.version.outcomes().success();
            serve(candidate);
          } else {
            stats.mismatch(mismatch(reasons));
            candidate.version.outcomes().mismatch();
            serve(target);
          }
        });
      });
    } catch (RejectedExecutionException e) {
      stats.drop();
      serve(target);
    }
  }

  private List<String> compare(ResponseSummary t, ResponseSummary c) {
    List<String> reasons = new ArrayList<>();
    for (ResponseComparator comparator : mirror.comparators()) {
      try {
        ComparisonResult result = comparator.compare(t, c);
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
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, leg.body.size());
    exchange.getResponseSender().send(ByteBuffer.wrap(leg.body.toByteArray()));
  }

  /** Serves the target's response as it streams, without waiting: it is too large to compare. */
  private void streamTarget(ClientExchange result) {
    decided = true;
    cancelTimer();
    candidate.abort("not compared: the older version's response is larger than maxBodyBytes");
    stats.skip();
    ResponseStream.relay(exchange, result);
  }

  private void fail(int status, String why) {
    decided = true;
    cancelTimer();
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

  /** One version's side of the mirrored request. */
  private final class Leg implements BackendCall.Listener {
    private final LiveVersion version;
    private final boolean isTarget;
    private final long started = System.nanoTime();
    private BackendCall call;
    private ClientResponse response;
    private ClientExchange currentExchange;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final MessageDigest sha = sha256();
    private long length;
    private boolean finished;
    private ResponseSummary summary;

    Leg(LiveVersion version, boolean isTarget) {
      this.version = version;
      this.isTarget = isTarget;
    }

    void connect() {
      BackendPool.Backend backend = version.pool().choose(new Attempts());
      if (backend == null) {
        finish("no server of version " + version.info().version() + " is available");
        return;
      }
      call = new BackendCall(exchange, backend, requestBody, trustForwarded, this);
      call.start();
    }

    @Override
    public void onFailure(BackendCall c, String why, boolean sent) {
      c.backend.failed();
      version.outcomes().failure();
      finish(why);
    }

    @Override
    public void onResponse(BackendCall c, ClientExchange result) {
      if (result.getResponse().getResponseCode() >= 500) {
        c.backend.failed();
      } else {
        c.backend.succeeded();
      }
      onResponse(result);
    }

    private void onResponse(ClientExchange result) {
      if (finished) {
        IoUtils.safeClose(result.getConnection());
        return;
      }
      this.response = result.getResponse();
      this.currentExchange = result;
      String declared = response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
      if (isTarget && !decided && declared != null && parseLong(declared) > mirror.maxBodyBytes()
          && !exchange.getRequestMethod().equals(Methods.HEAD)) {
        finished = true;
        streamTarget(result);
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
              if (isTarget && body.size() + n > MAX_BUFFERED_TARGET_BYTES) {
                abort("the older version's response of unknown length passed "
                    + MAX_BUFFERED_TARGET_BYTES + " bytes and cannot be held for comparison");
                return;
              }
              if (isTarget || body.size() + n <= mirror.maxBodyBytes()) {
                body.write(buffer.array(), 0, n);
              }
            }
          } catch (IOException e) {
            abort("reading the response failed: " + e.getMessage());
          }
        }
      };
      reader.handleEvent(channel);
    }

    private void complete() {
      boolean whole = length <= mirror.maxBodyBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (HeaderValues values : response.getResponseHeaders()) {
        headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(values));
      }
      summary = new ResponseSummary(response.getResponseCode(), headers, length, HexFormat.of().formatHex(sha.digest()),
          whole ? ByteBuffer.wrap(body.toByteArray()) : null, System.nanoTime() - started, null);
      finished = true;
      legDone(this);
    }

    /** Gives this leg up: closes its connection so that it is not reused half-read. */
    void abort(String why) {
      if (finished) {
        return;
      }
      if (call != null && !call.done()) {
        call.abort(why);
      } else {
        if (response != null && currentExchange != null) {
          IoUtils.safeClose(currentExchange.getConnection());
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

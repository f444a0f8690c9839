package io.handover.engine.proxy;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Protocols;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * A request's body as the proxy holds it: the bytes read so far and, when the body was larger than
 * the proxy holds, the client's channel with the rest still in it. A complete body can be sent again
 * (to another server, or to two versions); a partial one is streamed once. Memory grows only as
 * bytes arrive, never to a size the client merely declared. Confined to the exchange's IO thread.
 */
final class RequestBody {

  /** Hears how reading the start of the body ended. */
  interface Listener {
    void onBody(RequestBody body);

    /** The client went away or sent a malformed body; nothing was forwarded. */
    void onClientError(IOException e);
  }

  private static final byte[] NO_BYTES = new byte[0];
  static final RequestBody EMPTY = new RequestBody(NO_BYTES, 0, null, false);

  private final byte[] bytes;
  private final int length;
  private final StreamSourceChannel rest;
  private final boolean chunked;

  private RequestBody(byte[] bytes, int length, StreamSourceChannel rest, boolean chunked) {
    this.bytes = bytes;
    this.length = length;
    this.rest = rest;
    this.chunked = chunked;
  }

  /** Whether the whole body is held, so that it can be sent more than once. */
  boolean complete() {
    return rest == null;
  }

  /** The bytes held: the whole body when complete, else its start. */
  ByteBuffer held() {
    return ByteBuffer.wrap(bytes, 0, length);
  }

  int heldLength() {
    return length;
  }

  /** The client's channel with what is left of a body too large to hold; null when complete. */
  StreamSourceChannel rest() {
    return rest;
  }

  /** Whether the client framed the body in chunks (it is forwarded the same way, trailers too). */
  boolean chunked() {
    return chunked;
  }

  /** A copy of the whole body; only for a complete one. */
  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  /**
   * Reads the body of the exchange, without blocking, until it ends or more than {@code limit}
   * bytes arrived, then calls the listener on the IO thread. The exchange must have been
   * dispatched, so that it stays open while the body arrives. A body that stops arriving for
   * {@code timeoutMillis} ends with a {@link ClientBodyException} (408), one larger than
   * {@code maxBody} (unless negative) with one of 413. The bytes held are taken from {@code budget}
   * until the exchange ends; when it runs out, the body is handed on as partial and streamed.
   */
  static void read(HttpServerExchange exchange, int limit, long maxBody, int timeoutMillis, BodyBudget budget,
      Listener listener) {
    read(exchange, limit, maxBody, timeoutMillis, budget, false, listener);
  }

  /**
   * As above; with {@code handOnWhenIdle} (a gRPC call, which may be a stream that waits for the
   * answers) a body that pauses before its end is handed on as it stands and the rest streamed,
   * instead of being waited for.
   */
  static void read(HttpServerExchange exchange, int limit, long maxBody, int timeoutMillis, BodyBudget budget,
      boolean handOnWhenIdle, Listener listener) {
    boolean chunked = exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
    long declared = exchange.getRequestContentLength();
    // an HTTP/2 stream need not declare its length: its body ends with the stream
    boolean open = !chunked && declared < 0 && exchange.getProtocol().equals(Protocols.HTTP_2_0) && !exchange.isRequestComplete();
    if (!chunked && !open && declared <= 0) {
      listener.onBody(EMPTY);
      return;
    }
    StreamSourceChannel channel = exchange.getRequestChannel();
    if (!chunked && !open && declared > limit) {
      listener.onBody(new RequestBody(NO_BYTES, 0, channel, false));
      return;
    }
    int initial = chunked || open ? Math.min(limit, 16 * 1024) : (int) declared;
    new Reader(exchange, channel, limit, chunked, Math.max(initial, 1), maxBody, timeoutMillis, budget, listener, handOnWhenIdle)
        .handleEvent(channel);
  }

  /** How long a gRPC body may pause before it is taken for a stream. */
  private static final int GRPC_IDLE_MILLIS = 50;

  private static final class Reader extends Deadlines.Entry implements ChannelListener<StreamSourceChannel> {
    private final HttpServerExchange exchange;
    private final StreamSourceChannel channel;
    private final int limit;
    private final boolean chunked;
    private final boolean handOnWhenIdle;
    /** Whether the short wait of a gRPC body for its end is the pending deadline. */
    private boolean idleWait;
    private final Listener listener;
    private final int timeoutMillis;
    private final long maxBody;
    private final BodyBudget budget;
    private final Deadlines deadlines;
    /** Whether the budget for held bodies ran out while this one was read. */
    private boolean budgetOut;
    private boolean over;
    private byte[] bytes;
    private int length;

    Reader(HttpServerExchange exchange, StreamSourceChannel channel, int limit, boolean chunked, int initial,
        long maxBody, int timeoutMillis, BodyBudget budget, Listener listener, boolean handOnWhenIdle) {
      this.handOnWhenIdle = handOnWhenIdle;
      this.exchange = exchange;
      this.budget = budget;
      this.maxBody = maxBody;
      StrictChunkedBody.holding(exchange, true);
      this.timeoutMillis = timeoutMillis;
      this.deadlines = Deadlines.of(exchange.getIoThread());
      this.channel = channel;
      this.limit = limit;
      this.chunked = chunked;
      this.listener = listener;
      // a declared length is only a claim: start small and grow as bytes arrive
      this.bytes = new byte[Math.min(initial, 16 * 1024)];
      budget.take(bytes.length);
      // held for resending until the exchange ends, so given back only then
      exchange.addExchangeCompleteListener((ex, next) -> {
        budget.give(bytes.length);
        next.proceed();
      });
    }

    @Override
    void expired() {
      if (!over && idleWait) {
        // no end of stream yet: a streaming call, passed on as it comes
        done(channel);
        return;
      }
      if (!over) {
        stop();
        listener.onClientError(ClientBodyException.stalled(timeoutMillis));
      }
    }

    @Override
    public void handleEvent(StreamSourceChannel ch) {
      if (over) {
        return;
      }
      try (PooledByteBuffer pooled = exchange.getConnection().getByteBufferPool().allocate()) {
        ByteBuffer buffer = pooled.getBuffer();
        while (true) {
          buffer.clear();
          int n = ch.read(buffer);
          if (n == -1) {
            if (!StrictChunkedBody.ended(exchange)) {
              throw new IOException("the connection closed in the middle of the body");
            }
            if (StrictChunkedBody.overLimit(exchange)) {
              // a chunked body that arrived whole at once, past the limit
              throw ClientBodyException.tooLarge(maxBody);
            }
            done(null);
            return;
          }
          if (n == 0 && StrictChunkedBody.overLimit(exchange)) {
            throw ClientBodyException.tooLarge(maxBody);
          }
          if (n == 0) {
            // a unary call's end follows its message at once; only a stream waits longer
            idleWait = handOnWhenIdle;
            // moved on every read that brought bytes, so only a body that stops arriving runs out
            deadlines.schedule(this, handOnWhenIdle ? GRPC_IDLE_MILLIS : timeoutMillis);
            ch.getReadSetter().set(this);
            ch.resumeReads();
            return;
          }
          buffer.flip();
          append(buffer);
          if (length > limit || budgetOut) {
            done(ch);
            return;
          }
        }
      } catch (IOException e) {
        stop();
        listener.onClientError(e);
      }
    }

    private void append(ByteBuffer buffer) {
      int n = buffer.remaining();
      if (length + n > bytes.length) {
        int size = Math.max(length + n, Math.min(bytes.length * 2, limit + n));
        if (!budget.tryTake(size - bytes.length)) {
          // what was read must still be kept; the rest is streamed
          size = length + n;
          budget.take(size - bytes.length);
          budgetOut = true;
          budget.ranOut();
        }
        bytes = Arrays.copyOf(bytes, size);
      }
      buffer.get(bytes, length, n);
      length += n;
    }

    private void stop() {
      over = true;
      StrictChunkedBody.holding(exchange, false);
      deadlines.cancel(this);
      channel.suspendReads();
      channel.getReadSetter().set(null);
    }

    private void done(StreamSourceChannel rest) {
      stop();
      listener.onBody(new RequestBody(bytes, length, rest, chunked));
    }
  }
}

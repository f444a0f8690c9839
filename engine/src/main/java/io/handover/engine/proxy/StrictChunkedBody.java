package io.handover.engine.proxy;

import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.LoggerFactory;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Holds a chunked request body to the grammar of RFC 9112, section 7.1. Undertow's decoder is
 * lenient — a chunk size without a hex digit ({@code zz}) reads as the last chunk, and a connection
 * that closes mid-body reads as the end of the body — so a broken or cut upload would reach the
 * backend as a shorter, complete request. This conduit sits under Undertow's decoder, passes every
 * byte through unchanged, and fails the read (so the proxy cuts the backend connection) on a
 * malformed chunk line or an end of stream before the last chunk and the trailers.
 */
final class StrictChunkedBody extends AbstractStreamSourceConduit<StreamSourceConduit> {

  private static final Field NEXT = nextField();
  private static final AttachmentKey<Boolean> ENDED = AttachmentKey.create(Boolean.class);
  /** Set while the body is read to be held: passing the size limit then pauses instead of failing. */
  private static final AttachmentKey<Boolean> HOLDING = AttachmentKey.create(Boolean.class);
  private static final AttachmentKey<Boolean> OVER_LIMIT = AttachmentKey.create(Boolean.class);
  private static final int MAX_SIZE_DIGITS = 15;
  private static final int MAX_LINE = 8192;

  private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, END_LF, DONE }

  private State state = State.SIZE;
  private int digits;
  private long remaining;
  private int lineLength;
  private long total;
  private final long maxBody;

  private final HttpServerConnection connection;
  private final HttpServerExchange exchange;

  private StrictChunkedBody(StreamSourceConduit next, HttpServerConnection connection, HttpServerExchange exchange,
      long maxBody) {
    super(next);
    this.maxBody = maxBody;
    this.connection = connection;
    this.exchange = exchange;
  }

  /**
   * Whether the request's body, if chunked and checked, reached its last chunk and trailers. A
   * closed connection also reads as the end of a body in Undertow, so this is what tells the two
   * apart.
   */
  static boolean ended(HttpServerExchange exchange) {
    return !Boolean.FALSE.equals(exchange.getAttachment(ENDED));
  }

  /**
   * Puts the strict check under the request's chunked decoder; does nothing for other requests.
   * Must run before the body is read. A body of more than {@code maxBody} bytes (unless negative)
   * fails its read, which makes Undertow close the connection — except while {@link #holding} is
   * set: then reads return nothing more and {@link #overLimit} says why, so that the client can
   * still be answered 413.
   */
  static void install(HttpServerExchange exchange, long maxBody) {
    if (NEXT == null || !(exchange.getConnection() instanceof HttpServerConnection connection)) {
      return;
    }
    ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
    if (!(source.getConduit() instanceof ChunkedStreamSourceConduit lenient)) {
      return;
    }
    StreamSourceConduit raw;
    try {
      raw = (StreamSourceConduit) NEXT.get(lenient);
    } catch (IllegalAccessException e) {
      return;
    }
    // The decoder pushes back what it read ahead; that goes to a push-back conduit above the check,
    // so that every byte is checked once. The check never hands up a byte past the body's end.
    PushBackStreamSourceConduit readAhead = new PushBackStreamSourceConduit(new StrictChunkedBody(raw, connection, exchange, maxBody));
    exchange.putAttachment(ENDED, false);
    source.setConduit(new ChunkedStreamSourceConduit(readAhead, readAhead, connection.getByteBufferPool(), decoder -> {
      if (!decoder.isFinished()) {
        exchange.setPersistent(false);
      }
      Connectors.terminateRequest(exchange);
    }, exchange, connection));
  }

  /** Whether the body, if chunked and checked, passed its size limit. */
  static boolean overLimit(HttpServerExchange exchange) {
    return Boolean.TRUE.equals(exchange.getAttachment(OVER_LIMIT));
  }

  /** Marks whether the body is being read to be held (see {@link #install}). */
  static void holding(HttpServerExchange exchange, boolean holding) {
    exchange.putAttachment(HOLDING, holding);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (state == State.DONE) {
      return -1;
    }
    if (overLimit(exchange)) {
      if (Boolean.TRUE.equals(exchange.getAttachment(HOLDING))) {
        return 0;
      }
      throw ClientBodyException.tooLarge(maxBody);
    }
    int start = dst.position();
    int n = next.read(dst);
    if (n == -1) {
      throw new IOException("the connection closed in the middle of a chunked body");
    }
    for (int i = start; i < start + n; i++) {
      accept(dst.get(i));
      if (state == State.DONE && i + 1 < start + n) {
        // what follows the body is the next request's: give it back to the connection
        ByteBuffer rest = ByteBuffer.allocate(start + n - i - 1);
        rest.put(dst.duplicate().position(i + 1).limit(start + n)).flip();
        connection.ungetRequestBytes(new ImmediatePooledByteBuffer(rest));
        dst.position(i + 1);
        return i + 1 - start;
      }
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
    for (int i = offs; i < offs + len; i++) {
      if (dsts[i].hasRemaining()) {
        return read(dsts[i]);
      }
    }
    return 0;
  }

  @Override
  public long transferTo(long position, long count, FileChannel target) throws IOException {
    throw new IOException("a chunked body is read through buffers");
  }

  @Override
  public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
    throw new IOException("a chunked body is read through buffers");
  }

  private void accept(byte b) throws IOException {
    switch (state) {
      case SIZE -> {
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
          if (++digits > MAX_SIZE_DIGITS) {
            throw malformed("a chunk size of more than " + MAX_SIZE_DIGITS + " digits");
          }
          remaining = remaining * 16 + digit;
        } else if (digits == 0) {
          throw malformed("a chunk line without a size");
        } else if (b == ';' || b == ' ' || b == '\t') {
          state = State.EXTENSION;
        } else if (b == '\r') {
          state = State.SIZE_LF;
        } else {
          throw malformed("a character that is not a hex digit in a chunk size");
        }
      }
      case EXTENSION -> {
        if (b == '\r') {
          state = State.SIZE_LF;
        } else if (b == '\n' || b == 0 || ++lineLength > MAX_LINE) {
          throw malformed("a malformed chunk extension");
        }
      }
      case SIZE_LF -> {
        expect(b, '\n');
        lineLength = 0;
        digits = 0;
        total += remaining;
        if (maxBody >= 0 && total > maxBody) {
          exchange.putAttachment(OVER_LIMIT, true);
        }
        state = remaining == 0 ? State.TRAILER_START : State.DATA;
      }
      case DATA -> {
        if (--remaining == 0) {
          state = State.DATA_CR;
        }
      }
      case DATA_CR -> {
        expect(b, '\r');
        state = State.DATA_LF;
      }
      case DATA_LF -> {
        expect(b, '\n');
        state = State.SIZE;
      }
      case TRAILER_START -> state = b == '\r' ? State.END_LF : trailerByte(b);
      case TRAILER -> {
        if (b == '\r') {
          state = State.TRAILER_LF;
        } else {
          trailerByte(b);
        }
      }
      case TRAILER_LF -> {
        expect(b, '\n');
        lineLength = 0;
        state = State.TRAILER_START;
      }
      case END_LF -> {
        expect(b, '\n');
        state = State.DONE;
        exchange.putAttachment(ENDED, true);
      }
      case DONE -> {
        // the next pipelined request: not ours to check
      }
    }
  }

  private State trailerByte(byte b) throws IOException {
    if (b == '\n' || b == 0 || ++lineLength > MAX_LINE) {
      throw malformed("a malformed trailer line");
    }
    return State.TRAILER;
  }

  private static void expect(byte b, char wanted) throws IOException {
    if (b != wanted) {
      throw malformed("a chunk not ended by CRLF");
    }
  }

  private static IOException malformed(String what) {
    return new IOException("malformed chunked body: " + what);
  }

  private static Field nextField() {
    try {
      Field f = AbstractConduit.class.getDeclaredField("next");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(StrictChunkedBody.class).warn("chunked request bodies are checked by Undertow's lenient decoder only: {}", e.toString());
      return null;
    }
  }
}

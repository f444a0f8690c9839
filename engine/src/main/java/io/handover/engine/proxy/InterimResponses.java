package io.handover.engine.proxy;

import io.undertow.client.ClientExchange;
import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.conduits.FixedLengthStreamSourceConduit;
import io.undertow.util.AbstractAttachable;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.Pooled;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Reads past interim answers ({@code 102 Processing}, {@code 103 Early Hints}, …) to the final
 * one. Undertow's client takes any status but 100 and 101 for the final answer and would drop the
 * real one that follows, so the connection is taken over raw and the final head parsed here; its
 * body is framed by Undertow's own conduits. The interim answers are not passed on (a proxy may
 * drop them for clients that cannot use them; HTTP/1.0 clients must never see them). The
 * connection is closed after this exchange. Runs on the IO thread.
 */
final class InterimResponses {

  /** The final answer: its head and a channel of its body (trailers, if any, on {@code trailers}). */
  record Final(int status, String reason, HeaderMap headers, ConduitStreamSourceChannel body, AbstractAttachable trailers,
      StreamConnection connection) {}

  interface Listener {
    void onFinal(Final response);

    void onFailure(IOException e);
  }

  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private InterimResponses() {}

  static boolean isInterim(int status) {
    return status > 101 && status < 200;
  }

  static void readFinal(ClientExchange interim, Listener listener) {
    StreamConnection raw;
    try {
      raw = interim.getConnection().performUpgrade();
    } catch (IOException e) {
      listener.onFailure(e);
      return;
    }
    boolean head = interim.getRequest().getMethod().equals(Methods.HEAD);
    PushBackStreamSourceConduit source = new PushBackStreamSourceConduit(raw.getSourceChannel().getConduit());
    raw.getSourceChannel().setConduit(source);
    new HeadReader(raw, source, interim.getConnection().getBufferPool(), head, listener).handleEvent(raw.getSourceChannel());
  }

  private static final class HeadReader implements ChannelListener<ConduitStreamSourceChannel> {
    private final StreamConnection raw;
    private final PushBackStreamSourceConduit source;
    private final ByteBufferPool pool;
    private final boolean headRequest;
    private final Listener listener;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();

    HeadReader(StreamConnection raw, PushBackStreamSourceConduit source, ByteBufferPool pool, boolean headRequest,
        Listener listener) {
      this.raw = raw;
      this.source = source;
      this.pool = pool;
      this.headRequest = headRequest;
      this.listener = listener;
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel ch) {
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      try {
        while (true) {
          buffer.clear();
          int n = ch.read(buffer);
          if (n == -1) {
            throw new IOException("the connection closed before the final answer");
          }
          if (n == 0) {
            ch.getReadSetter().set(this);
            ch.resumeReads();
            return;
          }
          buffer.flip();
          while (buffer.hasRemaining()) {
            head.write(buffer.get());
            if (endsHead()) {
              if (parse(ch, buffer)) {
                return;
              }
            }
          }
          if (head.size() > MAX_HEAD_BYTES) {
            throw new IOException("the answer's head is larger than " + MAX_HEAD_BYTES + " bytes");
          }
        }
      } catch (IOException | RuntimeException e) {
        ch.suspendReads();
        IoUtils.safeClose(raw);
        listener.onFailure(e instanceof IOException io ? io : new IOException(e));
      }
    }

    private boolean endsHead() {
      byte[] b = head.toByteArray();
      int n = b.length;
      return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    /** Parses a complete head; true when it was the final one and the listener has it. */
    private boolean parse(ConduitStreamSourceChannel ch, ByteBuffer rest) throws IOException {
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      head.reset();
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.x status line: " + lines[0]);
      }
      int status = Integer.parseInt(statusLine[1]);
      if (status < 200 && status != 101) {
        return false;
      }
      HeaderMap headers = new HeaderMap();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          throw new IOException("a malformed header line in the final answer");
        }
        headers.add(new HttpString(lines[i].substring(0, colon).strip()), lines[i].substring(colon + 1).strip());
      }
      ch.suspendReads();
      ch.getReadSetter().set(null);
      if (rest.hasRemaining()) {
        ByteBuffer copy = ByteBuffer.allocate(rest.remaining());
        copy.put(rest).flip();
        source.pushBack(new HeapPooled(copy));
      }
      AbstractAttachable trailers = new AbstractAttachable() {};
      raw.getSourceChannel().setConduit(bodyConduit(status, headers, trailers));
      listener.onFinal(new Final(status, statusLine.length > 2 ? statusLine[2] : "", headers, raw.getSourceChannel(), trailers, raw));
      return true;
    }

    private StreamSourceConduit bodyConduit(int status, HeaderMap headers, AbstractAttachable trailers) {
      String encoding = headers.getLast(Headers.TRANSFER_ENCODING);
      String length = headers.getFirst(Headers.CONTENT_LENGTH);
      if (headRequest || status == 204 || status == 304) {
        return new FixedLengthStreamSourceConduit(source, 0, c -> {});
      }
      if (encoding != null && encoding.strip().equalsIgnoreCase("chunked")) {
        return new ChunkedStreamSourceConduit(source, source, pool, c -> {}, trailers, raw);
      }
      if (length != null) {
        return new FixedLengthStreamSourceConduit(source, Long.parseLong(length.strip()), c -> {});
      }
      return source;
    }
  }

  /** A heap buffer handed to the push-back conduit, which frees it once read. */
  private record HeapPooled(ByteBuffer buffer) implements Pooled<ByteBuffer> {
    @Override
    public void discard() {}

    @Override
    public void free() {}

    @Override
    public ByteBuffer getResource() {
      return buffer;
    }

    @Override
    public void close() {}
  }
}

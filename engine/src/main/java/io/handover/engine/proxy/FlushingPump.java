package io.handover.engine.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Moves bytes from one channel to another as they come (closing the source at its end), flushing the sink each time the source has
 * nothing more for now. Undertow's {@code Transfer} flushes only at the end, which an HTTP/2 stream
 * (framed and buffered) needs sooner: a streaming gRPC call or an event stream would otherwise sit
 * in the buffer until it fills or the stream ends. Runs on the channels' IO thread.
 */
final class FlushingPump {

  /** Hears the end: exactly one method is called, once. */
  interface Listener {
    /** The source ended and everything was written and flushed; the sink is not shut down. */
    void onEnd(StreamSinkChannel sink);

    void onSourceFailed(IOException e);

    void onSinkFailed(IOException e);
  }

  private final StreamSourceChannel source;
  private final StreamSinkChannel sink;
  private final Listener listener;
  private final PooledByteBuffer pooled;
  private final ByteBuffer buffer;
  private boolean ended;
  private boolean over;
  /** Whether bytes were written since the last flush: an empty flush of an HTTP/2 response would send its head alone. */
  private boolean dirty;

  private FlushingPump(StreamSourceChannel source, StreamSinkChannel sink, ByteBufferPool pool, Listener listener, boolean written) {
    this.dirty = written;
    this.source = source;
    this.sink = sink;
    this.listener = listener;
    this.pooled = pool.allocate();
    this.buffer = pooled.getBuffer();
    buffer.clear().flip(); // empty: nothing to write yet
  }

  /** @param written whether bytes were written to the sink before, which the first pause must flush too */
  static void start(StreamSourceChannel source, StreamSinkChannel sink, ByteBufferPool pool, boolean written, Listener listener) {
    FlushingPump pump = new FlushingPump(source, sink, pool, listener, written);
    source.getReadSetter().set(ch -> pump.run());
    sink.getWriteSetter().set(ch -> pump.run());
    pump.run();
  }

  private void run() {
    if (over) {
      return;
    }
    try {
      while (true) {
        if (buffer.hasRemaining()) {
          dirty = true;
          sink.write(buffer);
          if (buffer.hasRemaining()) {
            source.suspendReads();
            sink.resumeWrites();
            return;
          }
        }
        if (ended) {
          if (dirty && !sink.flush()) {
            sink.resumeWrites();
            return;
          }
          finish();
          IoUtils.safeClose(source);
          listener.onEnd(sink);
          return;
        }
        buffer.clear();
        int n;
        try {
          n = source.read(buffer);
        } catch (IOException e) {
          finish();
          listener.onSourceFailed(e);
          return;
        } finally {
          buffer.flip();
        }
        if (n == -1) {
          ended = true;
        } else if (n == 0) {
          // nothing more for now: what was written goes out now, not when the buffer fills
          if (dirty && !sink.flush()) {
            source.suspendReads();
            sink.resumeWrites();
            return;
          }
          dirty = false;
          sink.suspendWrites();
          source.resumeReads();
          return;
        }
      }
    } catch (IOException e) {
      finish();
      listener.onSinkFailed(e);
    }
  }

  private void finish() {
    over = true;
    source.suspendReads();
    sink.suspendWrites();
    source.getReadSetter().set(null);
    sink.getWriteSetter().set(null);
    IoUtils.safeClose(pooled);
  }
}

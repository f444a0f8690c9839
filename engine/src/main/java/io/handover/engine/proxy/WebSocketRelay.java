package io.handover.engine.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Relays a WebSocket's bytes from the server to the client, keeping track of where each frame
 * ends (RFC 6455, section 5.2), so that a stop can tell the client the socket is going away: a
 * close frame with code 1001 goes out between two frames, never inside one, and what the server
 * sends after it is dropped (the client's reply still reaches the server the other way). Frames
 * are passed on as they are, never buffered whole. Runs on the connection's IO thread.
 */
final class WebSocketRelay implements ChannelListener<StreamSourceChannel> {

  /** The relays open in this process, for a stop to close. */
  static final Set<WebSocketRelay> OPEN = ConcurrentHashMap.newKeySet();

  /** Close, unmasked, 2 bytes of payload: status 1001 (going away). */
  private static final byte[] GOING_AWAY = {(byte) 0x88, 0x02, 0x03, (byte) 0xE9};

  private final StreamSourceChannel from;
  private final StreamSinkChannel to;
  private final StreamConnection client;
  private final StreamConnection server;
  private final Runnable ended;
  private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
  private final byte[] header = new byte[14];
  private int headerLength;
  /** Payload bytes of the current frame still to pass. */
  private long remaining;
  private volatile boolean closeRequested;
  /** The close frame was sent: the rest from the server is dropped. */
  private boolean closeSent;

  WebSocketRelay(StreamConnection server, StreamConnection client, Runnable ended) {
    this.from = server.getSourceChannel();
    this.to = client.getSinkChannel();
    this.client = client;
    this.server = server;
    this.ended = ended;
    buffer.flip();
  }

  void start() {
    OPEN.add(this);
    // however the connection ends (also closed from outside), the relay is no longer open
    client.setCloseListener(c -> OPEN.remove(this));
    from.getReadSetter().set(this);
    to.getWriteSetter().set(ch -> {
      ch.suspendWrites();
      from.resumeReads();
      pump();
    });
    from.resumeReads();
  }

  /** Asks for a close frame to the client at the next frame boundary; callable from any thread. */
  void goAway() {
    closeRequested = true;
    try {
      from.getIoThread().execute(this::pump);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // its IO thread has stopped, and the connection with it
      OPEN.remove(this);
    }
  }

  @Override
  public void handleEvent(StreamSourceChannel channel) {
    pump();
  }

  private void pump() {
    try {
      while (true) {
        if (buffer.hasRemaining()) {
          to.write(buffer);
          if (buffer.hasRemaining()) {
            from.suspendReads();
            to.resumeWrites();
            return;
          }
        }
        if (closeRequested && !closeSent && atBoundary()) {
          closeSent = true;
          buffer.clear();
          buffer.put(GOING_AWAY).flip();
          continue;
        }
        buffer.clear();
        int n = from.read(buffer);
        buffer.flip();
        if (n < 0) {
          end();
          return;
        }
        if (n == 0) {
          to.flush();
          return;
        }
        if (closeSent) {
          // after the close frame nothing more may reach the client
          buffer.limit(buffer.position());
          continue;
        }
        buffer.limit(scan(buffer, closeRequested));
      }
    } catch (IOException e) {
      end();
    }
  }

  private boolean atBoundary() {
    return remaining == 0 && headerLength == 0;
  }

  /**
   * Follows the frames through the buffer's bytes; returns where to stop: the buffer's end, or,
   * when {@code toBoundary}, the end of the first frame that ends in it.
   */
  private int scan(ByteBuffer b, boolean toBoundary) {
    int i = b.position();
    int end = b.limit();
    while (i < end) {
      if (remaining > 0) {
        long take = Math.min(remaining, end - i);
        i += (int) take;
        remaining -= take;
      } else {
        header[headerLength++] = b.get(i++);
        if (headerLength < 2 || headerLength < headerSize()) {
          continue;
        }
        remaining = payloadLength();
        headerLength = 0;
      }
      if (toBoundary && atBoundary()) {
        return i;
      }
    }
    return end;
  }

  private int headerSize() {
    int len7 = header[1] & 0x7f;
    boolean masked = (header[1] & 0x80) != 0;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  private long payloadLength() {
    int len7 = header[1] & 0x7f;
    if (len7 < 126) {
      return len7;
    }
    int bytes = len7 == 126 ? 2 : 8;
    long length = 0;
    for (int k = 0; k < bytes; k++) {
      length = (length << 8) | (header[2 + k] & 0xff);
    }
    return length;
  }

  private void end() {
    OPEN.remove(this);
    ended.run();
    IoUtils.safeClose(client, server);
  }
}

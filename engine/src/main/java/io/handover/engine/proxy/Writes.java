package io.handover.engine.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSinkChannel;

/** Writing bytes already in hand to a channel without blocking, then going on. IO thread only. */
final class Writes {

  private Writes() {}

  /**
   * Writes all of {@code bytes} to {@code sink}, waiting for it to become writable as needed, then
   * runs {@code then} with writes suspended; a failed write goes to {@code failed} instead.
   */
  static void writeThen(StreamSinkChannel sink, ByteBuffer bytes, Consumer<StreamSinkChannel> then,
      Consumer<IOException> failed) {
    ChannelListener<StreamSinkChannel> writer = new ChannelListener<>() {
      @Override
      public void handleEvent(StreamSinkChannel ch) {
        try {
          while (bytes.hasRemaining()) {
            if (ch.write(bytes) == 0) {
              ch.getWriteSetter().set(this);
              ch.resumeWrites();
              return;
            }
          }
        } catch (IOException e) {
          failed.accept(e);
          return;
        }
        ch.suspendWrites();
        ch.getWriteSetter().set(null);
        then.accept(ch);
      }
    };
    writer.handleEvent(sink);
  }
}

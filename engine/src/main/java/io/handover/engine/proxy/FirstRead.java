package io.handover.engine.proxy;

import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.channels.StreamSourceChannel;

/**
 * Starts reading the body of a backend's answer without a system call for nothing.
 *
 * <p>When the body came in the same read as the head, Undertow's HTTP client keeps it and queues
 * a read event for the connection's IO thread. Reading the body at once, before that event runs,
 * leaves the event to find the connection idle, and Undertow then reads the socket for nothing
 * ({@code EAGAIN}, one system call per request); resuming reads would queue a second event. So the
 * first read is left to that event, and to a task queued behind it on the same thread for when
 * there was none: whichever comes first starts the reader, once.
 *
 * <p>Used on the channel's IO thread only.
 */
final class FirstRead implements Runnable, ChannelListener<StreamSourceChannel> {

  private final StreamSourceChannel channel;
  private final ChannelListener<? super StreamSourceChannel> reader;
  private boolean started;

  private FirstRead(StreamSourceChannel channel, ChannelListener<? super StreamSourceChannel> reader) {
    this.channel = channel;
    this.reader = reader;
  }

  /** Has {@code reader} called for {@code channel} once its body is ready, or in this turn of the event loop. */
  static void start(StreamSourceChannel channel, ChannelListener<? super StreamSourceChannel> reader) {
    FirstRead first = new FirstRead(channel, reader);
    channel.getReadSetter().set(first);
    channel.getIoThread().execute(first);
  }

  @Override
  public void handleEvent(StreamSourceChannel ch) {
    run();
  }

  @Override
  public void run() {
    if (started) {
      return;
    }
    started = true;
    // the reader sets its own listener when it has to wait for more
    channel.getReadSetter().set(null);
    ChannelListeners.invokeChannelListener(channel, reader);
  }
}

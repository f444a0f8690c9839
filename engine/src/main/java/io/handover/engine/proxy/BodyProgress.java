package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * When a request's body last brought bytes, so that a client that stops sending it can be told
 * from a server that is slow to answer. Confined to the exchange's IO thread.
 */
final class BodyProgress {

  private static final AttachmentKey<BodyProgress> KEY = AttachmentKey.create(BodyProgress.class);

  private long lastNanos = System.nanoTime();

  private BodyProgress() {}

  /** Watches the request's body; must run before its channel is first asked for. */
  static void install(HttpServerExchange exchange) {
    BodyProgress progress = new BodyProgress();
    exchange.putAttachment(KEY, progress);
    exchange.addRequestWrapper((factory, ex) -> new Watch(factory.create(), progress));
  }

  /** Milliseconds since the body last brought bytes (or since it was installed); 0 when not watched. */
  static long idleMillis(HttpServerExchange exchange) {
    BodyProgress progress = exchange.getAttachment(KEY);
    return progress == null ? 0 : (System.nanoTime() - progress.lastNanos) / 1_000_000;
  }

  private static final class Watch extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final BodyProgress progress;

    Watch(StreamSourceConduit next, BodyProgress progress) {
      super(next);
      this.progress = progress;
    }

    private long seen(long n) {
      if (n > 0) {
        progress.lastNanos = System.nanoTime();
      }
      return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return (int) seen(next.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
      return seen(next.read(dsts, offs, len));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
      return seen(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
      return seen(next.transferTo(count, throughBuffer, target));
    }
  }
}

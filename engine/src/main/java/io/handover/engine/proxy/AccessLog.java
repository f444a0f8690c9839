package io.handover.engine.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.handover.engine.json.Json;
import io.handover.engine.registry.LiveVersion;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the {@code io.handover.access} logger: time, client, method, path,
 * status, the version and server that answered, the attempts it took, latency and bytes sent; as
 * text or as a JSON object. The IO thread only fills a small record and offers it to a bounded
 * queue (never waiting: a full queue drops the line and counts it); one daemon thread formats and
 * writes the lines, so a slow disk never holds a request up.
 */
final class AccessLog implements AutoCloseable {

  private static final Logger access = LoggerFactory.getLogger("io.handover.access");
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
  private static final AttachmentKey<Entry> ENTRY = AttachmentKey.create(Entry.class);

  /** One finished request, as it is written. */
  record Line(long atMillis, String client, String method, String path, int status, String version, String server,
      int attempts, long micros, long bytes) {}

  private final boolean json;
  private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(16_384);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;

  AccessLog(boolean json) {
    this.json = json;
    this.writer = new Thread(this::write, "handover-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Starts the line of a request; its fields are filled in as it goes and it is written when it completes. */
  void begin(HttpServerExchange exchange) {
    Entry entry = new Entry(this);
    exchange.putAttachment(ENTRY, entry);
    exchange.addExchangeCompleteListener(entry);
  }

  /** A server of {@code version} was tried for the request. */
  static void attempted(HttpServerExchange exchange) {
    Entry entry = exchange.getAttachment(ENTRY);
    if (entry != null) {
      entry.attempts++;
    }
  }

  /** The answer the client gets comes from {@code backend} of {@code version}. */
  static void served(HttpServerExchange exchange, LiveVersion version, BackendPool.Backend backend) {
    Entry entry = exchange.getAttachment(ENTRY);
    if (entry != null) {
      entry.version = version.info().version().label();
      entry.server = backend.address().authority();
    }
  }

  /** Lines dropped because the writer was behind. */
  long dropped() {
    return dropped.get();
  }

  private void write() {
    long reported = 0;
    while (true) {
      Line line;
      try {
        line = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        drain();
        return;
      }
      if (line != null) {
        access.info(format(line));
      }
      long lost = dropped.get();
      if (lost > reported) {
        log.warn("access log behind: {} lines dropped so far", lost);
        reported = lost;
      }
    }
  }

  private void drain() {
    Line line;
    while ((line = queue.poll()) != null) {
      access.info(format(line));
    }
  }

  String format(Line l) {
    if (!json) {
      return Instant.ofEpochMilli(l.atMillis()) + " " + l.client() + " \"" + l.method() + " " + l.path() + "\" " + l.status()
          + " version=" + l.version() + " server=" + l.server() + " attempts=" + l.attempts() + " micros=" + l.micros()
          + " bytes=" + l.bytes();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", Instant.ofEpochMilli(l.atMillis()).toString());
    m.put("client", l.client());
    m.put("method", l.method());
    m.put("path", l.path());
    m.put("status", l.status());
    m.put("version", l.version());
    m.put("server", l.server());
    m.put("attempts", l.attempts());
    m.put("micros", l.micros());
    m.put("bytes", l.bytes());
    try {
      return Json.MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      return String.valueOf(m);
    }
  }

  /** Writes what is queued and stops the writer. */
  @Override
  public void close() {
    writer.interrupt();
    try {
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The line of one request while it runs; touched by its exchange's thread only. */
  private static final class Entry implements ExchangeCompletionListener {
    private final AccessLog log;
    private final long atMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();
    private String version = "-";
    private String server = "-";
    private int attempts;

    Entry(AccessLog log) {
      this.log = log;
    }

    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener next) {
      try {
        InetSocketAddress source = ex.getSourceAddress();
        String client = source == null || source.getAddress() == null ? "-" : source.getAddress().getHostAddress();
        String query = ex.getQueryString();
        String path = query == null || query.isEmpty() ? ex.getRequestURI() : ex.getRequestURI() + "?" + query;
        Line line = new Line(atMillis, client, ex.getRequestMethod().toString(), path, ex.getStatusCode(), version, server, attempts,
            (System.nanoTime() - startNanos) / 1000, ex.getResponseBytesSent());
        if (!log.queue.offer(line)) {
          log.dropped.incrementAndGet();
        }
      } finally {
        next.proceed();
      }
    }
  }
}

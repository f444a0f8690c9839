package io.handover.engine.proxy;

import io.undertow.server.HttpServerExchange;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each kind of refused client request at most once per {@value #INTERVAL_SECONDS} seconds,
 * with how many there were since the last line and the latest client address: a flood of bad
 * requests costs a line per interval, never a line (or a stack trace) per request. Thread-safe.
 */
final class ClientErrorLog {

  static final int INTERVAL_SECONDS = 10;
  private static final long INTERVAL_NANOS = INTERVAL_SECONDS * 1_000_000_000L;

  private final Logger log;
  private final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();

  private static final class Tally {
    final AtomicLong count = new AtomicLong();
    final AtomicLong reported = new AtomicLong();
    final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  }

  ClientErrorLog(Class<?> owner) {
    this.log = LoggerFactory.getLogger(owner);
  }

  /** Counts one refusal; {@code reason} names the kind and must not vary per request. */
  void report(int status, String reason, HttpServerExchange exchange) {
    Tally tally = tallies.computeIfAbsent(status + " " + reason, k -> new Tally());
    long total = tally.count.incrementAndGet();
    long now = System.nanoTime();
    long last = tally.lastLogNanos.get();
    if (now - last >= INTERVAL_NANOS && tally.lastLogNanos.compareAndSet(last, now)) {
      long since = total - tally.reported.getAndSet(total);
      log.warn("refused {} request(s) with {} since the last report: {} (latest from {})", since, status, reason,
          exchange.getSourceAddress());
    }
  }
}

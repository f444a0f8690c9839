package io.handover.engine.proxy;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory all held request bodies may take together. A body that would pass it is not held
 * further but streamed, as a body larger than {@code maxBufferedBodyBytes} is: the request is still
 * served, only no longer resent to another version or mirrored. Thread-safe.
 */
final class BodyBudget {

  private static final Logger log = LoggerFactory.getLogger(BodyBudget.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final long max;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong streamed = new AtomicLong();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  /** A budget of {@code max} bytes; negative for none. */
  BodyBudget(long max) {
    this.max = max;
  }

  /** Takes {@code n} bytes when they fit; false (nothing taken) when they do not. */
  boolean tryTake(long n) {
    if (max < 0) {
      used.addAndGet(n);
      return true;
    }
    while (true) {
      long now = used.get();
      if (now + n > max) {
        return false;
      }
      if (used.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  /** Takes bytes already read (at most one read's worth past the budget); they must be held. */
  void take(long n) {
    used.addAndGet(n);
  }

  void give(long n) {
    used.addAndGet(-n);
  }

  /** Notes that a body was streamed for want of budget; logged at most every ten seconds. */
  void ranOut() {
    long count = streamed.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLog.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
      log.warn("the memory for held request bodies ({} bytes) is in use: bodies are streamed, not held ({} so far)", max, count);
    }
  }

  long used() {
    return used.get();
  }
}

package io.handover.engine.telemetry;

import com.google.common.base.Ticker;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How one version's requests ended over a sliding window of whole seconds: answered, failed
 * (connection error, reset, timeout, 5xx) and, for a mirrored candidate, mismatched. Lock-free:
 * recorded on IO threads for every request, read by the rollback check.
 */
public final class Outcomes {

  /** The counts over the window. */
  public record Window(long requests, long failures, long mismatches) {
    /** Failures and mismatches over requests; 0 without requests. */
    public double failureRate() {
      return requests == 0 ? 0 : (double) (failures + mismatches) / requests;
    }
  }

  private static final int SLOTS = 3600;
  private final int slots;
  private final Ticker ticker;
  private final AtomicLongArray second;
  private final AtomicLongArray requests;
  private final AtomicLongArray failures;
  private final AtomicLongArray mismatches;
  private final java.util.concurrent.atomic.LongAdder failovers = new java.util.concurrent.atomic.LongAdder();
  /** Seconds before this one no longer count; see {@link #restart}. */
  private volatile long countFromSecond;

  public Outcomes() {
    this(Ticker.systemTicker());
  }

  /** Counts by the seconds of {@code ticker} (a fake one in tests). */
  public Outcomes(Ticker ticker) {
    this(ticker, SLOTS);
  }

  /** Keeps only the last {@code slots} seconds (1 to 3600): an endpoint needs no more than its policy's window. */
  public Outcomes(Ticker ticker, int slots) {
    this.ticker = ticker;
    this.slots = slots;
    this.second = new AtomicLongArray(slots);
    this.requests = new AtomicLongArray(slots);
    this.failures = new AtomicLongArray(slots);
    this.mismatches = new AtomicLongArray(slots);
    this.countFromSecond = Long.MIN_VALUE;
  }

  private long nowSecond() {
    return Math.floorDiv(ticker.read(), 1_000_000_000L);
  }

  public void success() {
    add(false, false);
  }

  public void failure() {
    add(true, false);
  }

  /** A request left the version for an older one (after its failure was recorded). */
  public void failedOver() {
    failovers.increment();
  }

  /** Requests that left the version for an older one since it was made (never reset). */
  public long failovers() {
    return failovers.sum();
  }

  /** A mirrored request whose answer differed from the older version's. */
  public void mismatch() {
    add(false, true);
  }

  private void add(boolean failed, boolean mismatched) {
    long now = nowSecond();
    int slot = Math.floorMod(now, slots);
    long seen = second.get(slot);
    if (seen != now && second.compareAndSet(slot, seen, now)) {
      // first event of this second in a slot last used an hour ago: start it afresh
      requests.set(slot, 0);
      failures.set(slot, 0);
      mismatches.set(slot, 0);
    }
    requests.incrementAndGet(slot);
    if (failed) {
      failures.incrementAndGet(slot);
    }
    if (mismatched) {
      mismatches.incrementAndGet(slot);
    }
  }

  /**
   * Forgets what happened so far: windows count from the next whole second on. Called when an
   * operator re-activates a version, so that the failures that rolled it back do not roll it back
   * again.
   */
  public void restart() {
    countFromSecond = nowSecond() + 1;
  }

  /** The counts over the last {@code seconds} seconds (1 to the slots kept), the current one included. */
  public Window window(int seconds) {
    long now = nowSecond();
    long from = countFromSecond;
    long r = 0;
    long f = 0;
    long m = 0;
    for (int i = 0; i < Math.min(Math.max(seconds, 1), slots) && now - i >= from; i++) {
      long s = now - i;
      int slot = Math.floorMod(s, slots);
      if (second.get(slot) == s) {
        r += requests.get(slot);
        f += failures.get(slot);
        m += mismatches.get(slot);
      }
    }
    return new Window(r, f, m);
  }
}

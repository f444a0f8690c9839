package io.handover.engine.telemetry;

import com.google.common.base.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the proxy knows of one server's health. Passive: a server that fails
 * {@code ejectAfterFailures} times in a row is ejected for a back-off that doubles with each
 * ejection (up to a maximum) and resets once it answers again; the last failure's kind and time
 * are kept. Active: the health checker's verdict. Thread-safe and lock-free: written on IO threads
 * and the health checker's, read by the request path and the admin API.
 */
public final class ServerHealth {

  /**
   * When a server is ejected.
   *
   * @param ejectAfterFailures how many failures in a row eject a server
   * @param baseEjectionMillis how long a first ejection lasts; each further one doubles it
   * @param maxEjectionMillis the longest an ejection lasts
   */
  public record Policy(int ejectAfterFailures, long baseEjectionMillis, long maxEjectionMillis) {}

  /** What happened when a failure was recorded. */
  public record Ejection(long forMillis, int afterFailures, FailureKind last) {}

  private final Policy policy;
  private final Ticker ticker;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** When the current ejection ends (ticker nanos); 0 when the server was never ejected. */
  private volatile long ejectedUntilNanos;
  private volatile int ejections;
  private volatile boolean activelyHealthy = true;
  private volatile FailureKind lastFailure;
  private volatile long lastFailureNanos;
  private final LongAdder totalEjections = new LongAdder();

  public ServerHealth(Policy policy, Ticker ticker) {
    this.policy = policy;
    this.ticker = ticker;
  }

  /** Whether the server may take requests now: not ejected, and not failing its health check. */
  public boolean available() {
    long until = ejectedUntilNanos;
    return activelyHealthy && (until == 0 || ticker.read() - until >= 0);
  }

  /** Whether passive health has taken the server out right now. */
  public boolean ejected() {
    return ejectedForMillis() > 0;
  }

  /** How much longer the current ejection lasts, in milliseconds; 0 when not ejected. */
  public long ejectedForMillis() {
    long until = ejectedUntilNanos;
    long left = until == 0 ? 0 : until - ticker.read();
    return left <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(left) + 1;
  }

  /** How many times the server was ejected in a row (reset when it answers after an ejection). */
  public int ejections() {
    return ejections;
  }

  public boolean activelyHealthy() {
    return activelyHealthy;
  }

  /** Set by the active health checker, which logs why. */
  public void activelyHealthy(boolean healthy) {
    activelyHealthy = healthy;
  }

  public int consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** The last failure the server was blamed for, or null. */
  public FailureKind lastFailure() {
    return lastFailure;
  }

  /** How long ago the last failure was, in milliseconds; -1 when there was none. */
  public long millisSinceLastFailure() {
    return lastFailure == null ? -1 : TimeUnit.NANOSECONDS.toMillis(ticker.read() - lastFailureNanos);
  }

  /** How many times the server was ejected since it was made (never reset). */
  public long totalEjections() {
    return totalEjections.sum();
  }

  /** When the current ejection ends, in milliseconds of the wall clock; 0 when not ejected. */
  public long ejectedUntilMillis() {
    long left = ejectedForMillis();
    return left == 0 ? 0 : System.currentTimeMillis() + left;
  }

  /** The server answered with a status it is not blamed for. */
  public void succeeded() {
    consecutiveFailures.set(0);
    if (ejections > 0 && !ejected()) {
      ejections = 0;
    }
  }

  /**
   * The server failed; returns the ejection this failure caused, or null when it caused none.
   */
  public Ejection failed(FailureKind kind) {
    lastFailure = kind;
    lastFailureNanos = ticker.read();
    if (consecutiveFailures.incrementAndGet() < policy.ejectAfterFailures()) {
      return null;
    }
    consecutiveFailures.set(0);
    int times = Math.min(ejections, 20);
    long backoff = Math.min(policy.maxEjectionMillis(), policy.baseEjectionMillis() << times);
    long until = ticker.read() + TimeUnit.MILLISECONDS.toNanos(backoff);
    ejectedUntilNanos = until == 0 ? 1 : until;
    ejections = times + 1;
    totalEjections.increment();
    return new Ejection(backoff, policy.ejectAfterFailures(), kind);
  }
}

package io.handover.engine.telemetry;

import io.handover.api.ResponseSummary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What mirroring has seen of one candidate version: matches, mismatches, requests not mirrored, and
 * the last mismatches in full. Thread-safe; counters never block the request path.
 */
public final class MirrorStats {

  /** One mismatch as the admin API shows it. */
  public record Mismatch(long atMillis, String method, String path, List<String> reasons,
      ResponseSummary target, ResponseSummary candidate) {}

  private static final int KEEP = 20;

  private final LongAdder matches = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder consecutiveMatches = new LongAdder();
  private final ArrayDeque<Mismatch> last = new ArrayDeque<>();
  private volatile String lastSkipReason;
  private final NoiseStats noise = new NoiseStats();
  private final PairedLatencies latencies = new PairedLatencies();

  /** How much longer the candidate took than the older version, request by request. */
  public PairedLatencies latencies() {
    return latencies;
  }

  /** Where two servers of the older version differ. */
  public NoiseStats noise() {
    return noise;
  }

  public void match() {
    matches.increment();
    consecutiveMatches.increment();
  }

  public void mismatch(Mismatch m) {
    mismatches.increment();
    consecutiveMatches.reset();
    synchronized (last) {
      if (last.size() == KEEP) {
        last.removeFirst();
      }
      last.addLast(m);
    }
  }

  /** A request that was not mirrored or not compared (method, body or answer size), and why. */
  public void skip(String reason) {
    skipped.increment();
    lastSkipReason = reason;
  }

  /** Why the last request was skipped, or null when none was. */
  public String lastSkipReason() {
    return lastSkipReason;
  }

  /** A comparison dropped because the comparison workers were saturated. */
  public void drop() {
    dropped.increment();
  }

  public long matches() {
    return matches.sum();
  }

  public long mismatches() {
    return mismatches.sum();
  }

  public long skipped() {
    return skipped.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  /** Matches since the last mismatch. */
  public long consecutiveMatches() {
    return consecutiveMatches.sum();
  }

  /** The last mismatches, oldest first. */
  public List<Mismatch> lastMismatches() {
    synchronized (last) {
      return List.copyOf(new ArrayList<>(last));
    }
  }
}

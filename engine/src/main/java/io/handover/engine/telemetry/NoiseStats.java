package io.handover.engine.telemetry;

import io.handover.api.Difference;
import io.handover.api.Ignores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Noise of one candidate version: the body members and headers in which two servers of the older
 * version answered the same request differently, so that a difference there says nothing about the
 * candidate. Each place keeps a count and the first pair of values seen. At most
 * {@value #MAX_PLACES} places are kept; more are counted as overflow. Thread-safe: counting takes
 * no lock, and only a place seen for the first time rebuilds the published {@link Ignores}.
 */
public final class NoiseStats {

  /** One noisy place as the admin API shows it. */
  public record Noise(Difference.Kind kind, String name, long count, String older, String otherOlder) {}

  static final int MAX_PLACES = 64;

  private final Map<String, Place> places = new ConcurrentHashMap<>();
  private final AtomicLong mirrored = new AtomicLong();
  private final LongAdder samples = new LongAdder();
  private final LongAdder overflow = new LongAdder();
  private volatile Ignores learned = Ignores.NONE;

  private record Place(Difference.Kind kind, String name, String older, String otherOlder, LongAdder count) {}

  /**
   * Whether this mirrored request is one of the sampled: every {@code 1/rate}-th, counted per
   * candidate, so that a run is reproducible. Allocation-free.
   */
  public boolean sampleNext(double rate) {
    if (rate <= 0) {
      return false;
    }
    long period = Math.max(1, Math.round(1 / rate));
    return mirrored.incrementAndGet() % period == 0;
  }

  /** Two answers of the older version were compared; {@code differences} are where they differed. */
  public void sampled(List<Difference> differences) {
    samples.increment();
    for (Difference d : differences) {
      record(d);
    }
  }

  private void record(Difference d) {
    String key = d.kind() + " " + d.name();
    Place place = places.get(key);
    if (place == null) {
      if (places.size() >= MAX_PLACES) {
        overflow.increment();
        return;
      }
      Place fresh = new Place(d.kind(), d.name(), d.target(), d.candidate(), new LongAdder());
      place = places.putIfAbsent(key, fresh);
      if (place == null) {
        place = fresh;
        rebuild();
      }
    }
    place.count().increment();
  }

  private synchronized void rebuild() {
    Set<String> pointers = new HashSet<>();
    Set<String> headers = new HashSet<>();
    for (Place p : places.values()) {
      (p.kind() == Difference.Kind.BODY ? pointers : headers).add(p.name());
    }
    learned = new Ignores(pointers, headers);
  }

  /** What was learned, to leave out of comparisons; one shared instance until something new is learned. */
  public Ignores learned() {
    return learned;
  }

  /** The noisy places, most frequent first. */
  public List<Noise> places() {
    List<Noise> out = new ArrayList<>();
    for (Place p : places.values()) {
      out.add(new Noise(p.kind(), p.name(), p.count().sum(), p.older(), p.otherOlder()));
    }
    out.sort(Comparator.comparingLong(Noise::count).reversed().thenComparing(Noise::name));
    return out;
  }

  /** How many pairs of older answers were compared. */
  public long samples() {
    return samples.sum();
  }

  /** Noisy places not kept because {@value #MAX_PLACES} already were. */
  public long overflow() {
    return overflow.sum();
  }

  /** Forgets the given places (made permanent in the configuration), keeping the counters. */
  public void forget(Ignores accepted) {
    places.values().removeIf(p -> (p.kind() == Difference.Kind.BODY ? accepted.jsonPointers() : accepted.headers()).contains(p.name()));
    rebuild();
  }
}

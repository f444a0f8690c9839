package io.handover.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registered versions, newest first, as of one moment. The engine builds a new set on every
 * change and hands strategies the current one; a set never changes once built.
 *
 * <p>Immutable and thread-safe. Lookups are cheap enough for the request path (no allocation for
 * {@link #newestActive()}, {@link #active()} and {@link #all()}).
 */
public final class VersionSet {

  private static final VersionSet EMPTY = new VersionSet(List.of());

  private final List<VersionInfo> all;
  private final List<VersionInfo> active;

  private VersionSet(List<VersionInfo> newestFirst) {
    this.all = List.copyOf(newestFirst);
    List<VersionInfo> act = new ArrayList<>();
    for (VersionInfo v : all) {
      if (v.isActive()) {
        act.add(v);
      }
    }
    this.active = List.copyOf(act);
  }

  /**
   * A set of the given versions, which must already be ordered newest first.
   *
   * @throws NullPointerException if the list or an element is null
   */
  public static VersionSet of(List<VersionInfo> newestFirst) {
    return newestFirst.isEmpty() ? EMPTY : new VersionSet(newestFirst);
  }

  /** An empty set. */
  public static VersionSet empty() {
    return EMPTY;
  }

  /** Every version, active or not, newest first. Never null; unmodifiable. */
  public List<VersionInfo> all() {
    return all;
  }

  /** The versions that take traffic, newest first. Never null; unmodifiable. */
  public List<VersionInfo> active() {
    return active;
  }

  /** The newest version that takes traffic, or empty when there is none. */
  public Optional<VersionInfo> newestActive() {
    return active.isEmpty() ? Optional.empty() : Optional.of(active.get(0));
  }

  /**
   * The newest active version older than the given one, or empty when there is none.
   *
   * @param version a version of this set; null is treated as "newer than all"
   */
  public Optional<VersionInfo> activeOlderThan(VersionInfo version) {
    boolean passed = version == null;
    for (VersionInfo v : active) {
      if (passed) {
        return Optional.of(v);
      }
      passed = v.id().equals(version.id());
    }
    return Optional.empty();
  }

  /** The version with the given cluster id, active or not; empty when unknown or when id is null. */
  public Optional<VersionInfo> byId(String id) {
    if (id == null) {
      return Optional.empty();
    }
    for (VersionInfo v : all) {
      if (v.id().equals(id)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The active version with the given cluster id; empty when unknown, rolled back, or id is null. */
  public Optional<VersionInfo> activeById(String id) {
    return byId(id).filter(VersionInfo::isActive);
  }

  /** Whether no version takes traffic. */
  public boolean isEmpty() {
    return active.isEmpty();
  }

  @Override
  public String toString() {
    return "VersionSet" + all;
  }
}

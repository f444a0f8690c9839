package io.handover.engine.registry;

import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered versions at one moment, newest first. Immutable: the registry builds a new one on
 * every change and swaps it in atomically, so the request path reads it without a lock.
 */
public final class Snapshot {

  static final Snapshot EMPTY = new Snapshot(List.of());
  private static final Comparator<LiveVersion> NEWEST_FIRST =
      Comparator.comparing((LiveVersion v) -> v.info().version()).reversed();

  /** The versions newest first, given in insertion order: among equal versions the later is newer. */
  static Snapshot of(Collection<LiveVersion> inserted) {
    List<LiveVersion> ordered = new ArrayList<>(inserted);
    Collections.reverse(ordered);
    ordered.sort(NEWEST_FIRST);
    return new Snapshot(ordered);
  }

  private final List<LiveVersion> newestFirst;
  private final Map<String, LiveVersion> byId;
  private final VersionSet versions;
  private final int serverCount;

  Snapshot(List<LiveVersion> newestFirst) {
    this.newestFirst = List.copyOf(newestFirst);
    Map<String, LiveVersion> ids = new HashMap<>();
    List<VersionInfo> infos = new ArrayList<>();
    int servers = 0;
    for (LiveVersion v : this.newestFirst) {
      ids.put(v.info().id(), v);
      infos.add(v.info());
      servers += v.config().servers().size();
    }
    this.byId = Map.copyOf(ids);
    this.versions = VersionSet.of(infos);
    this.serverCount = servers;
  }

  /** Every version, newest first. */
  public List<LiveVersion> all() {
    return newestFirst;
  }

  /** The versions as strategies see them. */
  public VersionSet versions() {
    return versions;
  }

  /** The version with this id, or null. */
  public LiveVersion get(String id) {
    return byId.get(id);
  }

  /** The version of this info, or null when it is not in this snapshot. */
  public LiveVersion get(VersionInfo info) {
    return byId.get(info.id());
  }

  /** The newest active version, or null when none is active. */
  public LiveVersion newestActive() {
    return versions.active().isEmpty() ? null : byId.get(versions.active().get(0).id());
  }

  /** The newest active version older than {@code version}, or null. */
  public LiveVersion activeOlderThan(LiveVersion version) {
    return versions.activeOlderThan(version.info()).map(i -> byId.get(i.id())).orElse(null);
  }

  /** How many backend servers all versions have together. */
  public int serverCount() {
    return serverCount;
  }
}

package io.handover.api;

import static java.util.Objects.requireNonNull;

/**
 * One registered version of the service, as a strategy sees it.
 *
 * <p>Immutable; safe to share between threads. No component is null.
 *
 * @param id the cluster id (a UUID string) given by the admin API; stable for the version's life
 * @param version the version label, naturally ordered
 * @param mode the name of the strategy that moves traffic to this version, e.g. {@code "INSTANT"}
 * @param state whether the version takes traffic
 * @param addedAtMillis when the version was added or last promoted to a new upgrade transition,
 *     epoch milliseconds: the start of its current transition, which time-based ramps count from.
 *     The same on every instance that shares the version, so time-based ramps agree across
 *     instances
 */
public record VersionInfo(String id, VersionNumber version, String mode, VersionState state, long addedAtMillis) {

  public VersionInfo {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(state, "state is null");
  }

  /** Whether the version takes traffic. */
  public boolean isActive() {
    return state == VersionState.ACTIVE;
  }
}

package io.handover.strategies;

import io.handover.api.VersionInfo;
import io.handover.api.VersionNumber;
import io.handover.api.VersionSet;
import io.handover.api.VersionState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Versions for tests, with ids derived from their labels. */
final class Versions {

  private Versions() {}

  static VersionInfo active(String label, String mode, long addedAtMillis) {
    return version(label, mode, VersionState.ACTIVE, addedAtMillis);
  }

  static VersionInfo rolledBack(String label, String mode, long addedAtMillis) {
    return version(label, mode, VersionState.ROLLED_BACK, addedAtMillis);
  }

  private static VersionInfo version(String label, String mode, VersionState state, long addedAtMillis) {
    String id = UUID.nameUUIDFromBytes(label.getBytes(StandardCharsets.UTF_8)).toString();
    return new VersionInfo(id, VersionNumber.parse(label), mode, state, addedAtMillis);
  }

  /** A set of the given versions, newest first. */
  static VersionSet of(VersionInfo... newestFirst) {
    return VersionSet.of(List.of(newestFirst));
  }
}

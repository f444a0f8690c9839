package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import java.util.List;

/**
 * One version of the service as the operator configured it: what the admin API accepts and returns.
 *
 * @param id the cluster's UUID
 * @param version its version
 * @param servers its backend servers, at least one
 * @param transition its {@code upgradeTransition}, {@code mode} included and upper-cased
 * @param addedAtMillis when it was first added, epoch milliseconds
 */
public record ClusterConfig(String id, VersionNumber version, List<ServerAddress> servers, Settings transition, long addedAtMillis) {

  public ClusterConfig {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    servers = List.copyOf(servers);
    requireNonNull(transition, "transition is null");
  }

  /** The strategy mode, e.g. {@code INSTANT}. */
  public String mode() {
    return transition.string("mode").orElse("INSTANT");
  }
}

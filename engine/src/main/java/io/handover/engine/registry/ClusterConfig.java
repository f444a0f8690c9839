package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import java.util.List;

/**
 * One version of the service as the operator configured it, and where its rollout stands: what the
 * admin API accepts and returns, and what the state file keeps.
 *
 * @param id the cluster's UUID
 * @param version its version
 * @param servers its backend servers, at least one
 * @param transition its {@code upgradeTransition}, {@code mode} included and upper-cased
 * @param addedAtMillis when it was added or last promoted, epoch milliseconds; the current stage's
 *     start, which timed ramps count from
 * @param policies its health check, rollback and promotion policies
 * @param rollout its state and promotion stage
 * @param containers the containers it runs, whose host addresses are among {@code servers} once started
 * @param transport how its servers are spoken to: TLS, HTTP/2
 */
public record ClusterConfig(String id, VersionNumber version, List<ServerAddress> servers, Settings transition, long addedAtMillis,
    VersionPolicies policies, RolloutState rollout, ContainerMembers containers, BackendTransport transport) {

  public ClusterConfig {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    servers = List.copyOf(servers);
    requireNonNull(transition, "transition is null");
    requireNonNull(policies, "policies is null");
    requireNonNull(rollout, "rollout is null");
    requireNonNull(containers, "containers is null");
    requireNonNull(transport, "transport is null");
  }

  /** Spoken to in plain HTTP/1.1. */
  public ClusterConfig(String id, VersionNumber version, List<ServerAddress> servers, Settings transition, long addedAtMillis,
      VersionPolicies policies, RolloutState rollout, ContainerMembers containers) {
    this(id, version, servers, transition, addedAtMillis, policies, rollout, containers, BackendTransport.PLAIN);
  }

  /** A version of fixed servers only. */
  public ClusterConfig(String id, VersionNumber version, List<ServerAddress> servers, Settings transition, long addedAtMillis,
      VersionPolicies policies, RolloutState rollout) {
    this(id, version, servers, transition, addedAtMillis, policies, rollout, ContainerMembers.NONE);
  }

  /** A plain version: no policies, active, at its first stage. */
  public ClusterConfig(String id, VersionNumber version, List<ServerAddress> servers, Settings transition, long addedAtMillis) {
    this(id, version, servers, transition, addedAtMillis, VersionPolicies.NONE, RolloutState.INITIAL);
  }

  /** The strategy mode, e.g. {@code INSTANT}. */
  public String mode() {
    return transition.string("mode").orElse("INSTANT");
  }

  public ClusterConfig withRollout(RolloutState rollout) {
    return new ClusterConfig(id, version, servers, transition, addedAtMillis, policies, rollout, containers, transport);
  }

  /** The servers given as such, without those of started containers. */
  public List<ServerAddress> fixedServers() {
    return servers.stream().filter(s -> !containers.started().contains(s)).toList();
  }

  /** This version with its containers started at {@code started}, in {@code rollout}. */
  public ClusterConfig withStarted(List<ServerAddress> started, RolloutState rollout) {
    List<ServerAddress> all = new java.util.ArrayList<>(fixedServers());
    all.addAll(started);
    return new ClusterConfig(id, version, all, transition, addedAtMillis, policies, rollout,
        new ContainerMembers(containers.specs(), started), transport);
  }

  /** This version moved on to {@code stage}'s transition at {@code atMillis}. */
  ClusterConfig promoted(int stage, long atMillis) {
    PromotionStage next = policies.promote().get(stage);
    return new ClusterConfig(id, version, servers, next.to(), atMillis, policies,
        new RolloutState(rollout.state(), rollout.reason(), stage + 1, rollout.paused()), containers, transport);
  }
}

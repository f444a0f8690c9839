package io.handover.engine.registry;

import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.engine.telemetry.EndpointOutcomes;
import io.handover.engine.telemetry.MirrorStats;
import io.handover.engine.telemetry.Outcomes;

/**
 * A registered version as the request path uses it: its configuration, its strategy, its servers
 * (with what the request path keeps for them), what mirroring and the request path have seen of
 * it (over all requests and per endpoint), and the history of its state changes. A state change or promotion builds a new record around
 * the same servers, counters and history.
 */
public record LiveVersion(
    ClusterConfig config, VersionInfo info, UpgradeStrategy strategy, Servers servers, MirrorStats mirrorStats, Outcomes outcomes,
    EndpointOutcomes endpoints, TransitionHistory history) {}

package io.handover.engine.registry;

import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.engine.proxy.BackendPool;

/**
 * A registered version as the request path uses it: its configuration, its strategy and its pool of
 * backend connections, what mirroring and the request path have seen of it, and the history of its
 * state changes. A state change or promotion builds a new record around the same pool, counters and
 * history.
 */
public record LiveVersion(
    ClusterConfig config, VersionInfo info, UpgradeStrategy strategy, BackendPool pool, MirrorStats mirrorStats, Outcomes outcomes,
    TransitionHistory history) {}

package io.handover.engine.registry;

import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.engine.proxy.BackendPool;

/**
 * A registered version as the request path uses it: its configuration, its strategy and its pool of
 * backend connections, and what mirroring has seen of it.
 */
public record LiveVersion(
    ClusterConfig config, VersionInfo info, UpgradeStrategy strategy, BackendPool pool, MirrorStats mirrorStats, Outcomes outcomes) {}

package io.handover.engine.registry;

import io.handover.engine.telemetry.ServerHealth;

/** One server of a version as the registry, health checks and status see it. Thread-safe. */
public interface Server {
  ServerAddress address();

  ServerHealth health();
}

package io.handover.engine.container;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How Handover runs containers.
 *
 * @param engine where the engine's API listens
 * @param scope the {@code io.handover.scope} label value of this Handover's containers: it re-adopts
 *     and removes only containers of its own scope, so several instances can share one engine
 * @param drain how long a removed version's containers keep running for requests already on them
 * @param stopSeconds how long the engine waits after SIGTERM before it kills a container
 * @param startTimeout how long a container has to accept connections (and pass its healthPath)
 * @param pollInterval how often the containers' states are read
 * @param requestTimeout the connect and answer deadline of each engine request
 */
public record ContainerSettings(EngineAddress engine, String scope, Duration drain, int stopSeconds, Duration startTimeout,
    Duration pollInterval, Duration requestTimeout) {

  public ContainerSettings {
    requireNonNull(engine, "engine is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(drain, "drain is null");
    requireNonNull(startTimeout, "startTimeout is null");
    requireNonNull(pollInterval, "pollInterval is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
  }

  /** The defaults, with the engine from the environment. */
  public static ContainerSettings defaults() {
    return of(EngineAddress.fromEnvironment());
  }

  /** The defaults with this engine: 10 s drain, 10 s stop, 60 s start, 2 s polls, 10 s requests. */
  public static ContainerSettings of(EngineAddress engine) {
    return new ContainerSettings(engine, "default", Duration.ofSeconds(10), 10, Duration.ofSeconds(60), Duration.ofSeconds(2),
        Duration.ofSeconds(10));
  }

  public ContainerSettings withEngine(EngineAddress engine) {
    return new ContainerSettings(engine, scope, drain, stopSeconds, startTimeout, pollInterval, requestTimeout);
  }

  public ContainerSettings withScope(String scope) {
    return new ContainerSettings(engine, scope, drain, stopSeconds, startTimeout, pollInterval, requestTimeout);
  }

  public ContainerSettings withDrain(Duration drain, int stopSeconds) {
    return new ContainerSettings(engine, scope, drain, stopSeconds, startTimeout, pollInterval, requestTimeout);
  }

  public ContainerSettings withPollInterval(Duration pollInterval) {
    return new ContainerSettings(engine, scope, drain, stopSeconds, startTimeout, pollInterval, requestTimeout);
  }
}

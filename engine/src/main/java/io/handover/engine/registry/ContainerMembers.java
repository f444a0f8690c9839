package io.handover.engine.registry;

import java.util.List;

/**
 * The containers of a version and the servers they became.
 *
 * @param specs what to run; empty for a version of fixed servers only
 * @param started the host addresses of the running containers, which are among the version's
 *     servers; empty until they are ready
 */
public record ContainerMembers(List<ContainerSpec> specs, List<ServerAddress> started) {

  public static final ContainerMembers NONE = new ContainerMembers(List.of(), List.of());

  public ContainerMembers {
    specs = List.copyOf(specs);
    started = List.copyOf(started);
  }

  public boolean isEmpty() {
    return specs.isEmpty();
  }
}

package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One kind of container a version runs, as the operator configured it: {@code count} replicas of
 * {@code image:tag}, each a server of the version at the host address its {@code portToProxy} is
 * bound to.
 *
 * @param image the image, e.g. {@code localhost/shop}
 * @param tag its tag, e.g. {@code 2.0}
 * @param name the container's name (with {@code -r} appended per replica when {@code count > 1}), or null
 * @param portToProxy the port inside the container that the proxy sends requests to
 * @param portBindings the engine's port bindings, {@code "8080/tcp"} to {@code [{HostIp, HostPort}]};
 *     when it does not bind {@code portToProxy}, that port is bound to an ephemeral port on 127.0.0.1
 * @param environment variables, {@code NAME=value}
 * @param volumes bind mounts, {@code /host:/container[:ro]}
 * @param links legacy links, {@code name:alias}
 * @param count how many replicas
 * @param healthPath a path that must answer 2xx or 3xx before the container takes traffic, or null
 * @param command the command to run instead of the image's, or empty
 * @param labels labels added to the container beside Handover's own
 */
public record ContainerSpec(String image, String tag, String name, int portToProxy, Map<String, List<Map<String, String>>> portBindings,
    List<String> environment, List<String> volumes, List<String> links, int count, String healthPath, List<String> command,
    Map<String, String> labels) {

  public ContainerSpec {
    requireNonNull(image, "image is null");
    requireNonNull(tag, "tag is null");
    portBindings = Map.copyOf(portBindings);
    environment = List.copyOf(environment);
    volumes = List.copyOf(volumes);
    links = List.copyOf(links);
    command = List.copyOf(command);
    labels = Map.copyOf(labels);
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
  }

  /** {@code image:tag}. */
  public String reference() {
    return image + ":" + tag;
  }
}

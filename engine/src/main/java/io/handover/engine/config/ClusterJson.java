package io.handover.engine.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.api.VersionState;
import io.handover.engine.container.ContainerLabels;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.BackendTransport;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ContainerMembers;
import io.handover.engine.registry.ContainerSpec;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.VersionPolicies;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The cluster JSON of the admin API, the config file and the state file, in the original REST
 * API's format: {@code {"cluster":{"servers":[{"hostname":"127.0.0.1","port":1036}],"version":"1.1",
 * "upgradeTransition":{"mode":"SESSION","sessionTimeout":60},"uuid":"..."}}}, plus the optional
 * policies of {@link PolicyJson} and the rollout state. Read with {@link Json#read}; each record
 * checks its fields and fills in the defaults as it is built.
 */
public final class ClusterJson {

  /** The state file: a list of wrapped clusters. */
  public static final TypeReference<List<Wrapper>> LIST = new TypeReference<>() {};

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private ClusterJson() {}

  /** A request body: {@code {"cluster":{...}}}. */
  public static ClusterConfig parseBody(byte[] body, long nowMillis) {
    Wrapper wrapper = Json.read(body, Wrapper.class);
    if (wrapper == null) {
      throw JsonInputException.of("cluster", "is required: expected {\"cluster\":{...}}");
    }
    try {
      return wrapper.cluster().toConfig(nowMillis);
    } catch (JsonInputException e) {
      throw e.within("cluster");
    }
  }

  /** {@code {"cluster":{...}}} as the admin API returns it; {@code stored} adds when the version was added. */
  public static Wrapper toJson(ClusterConfig c, boolean stored) {
    return new Wrapper(Cluster.of(c, stored));
  }

  /** {@code {"cluster":{...}}}. */
  public record Wrapper(Cluster cluster) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Wrapper {
      if (cluster == null) {
        throw JsonInputException.of("cluster", "is required: expected {\"cluster\":{...}}");
      }
    }
  }

  /** One version as written in JSON; {@code version} is normalised to its label. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"servers", "containers", "containerServers", "upgradeTransition", "healthCheck", "rollback", "promote", "retireWhenDrained",
      "uuid", "version",
      "state", "stateReason", "promotionStage", "rolloutPaused", "addedAtMillis", "tls", "protocol"})
  public record Cluster(List<Server> servers, Object version, Map<String, Object> upgradeTransition, String uuid,
      Long addedAtMillis, PolicyJson.Health healthCheck, PolicyJson.Rollback rollback, List<PolicyJson.Stage> promote,
      String state, String stateReason, Long promotionStage, Boolean rolloutPaused, List<Container> containers,
      List<Server> containerServers, Boolean retireWhenDrained, BackendTlsJson tls, String protocol) {

    public Cluster {
      containers = containers == null || containers.isEmpty() ? null : containers;
      if (containers != null && containers.contains(null)) {
        throw JsonInputException.of("containers[" + containers.indexOf(null) + "]", "must be an object with image and portToProxy");
      }
      if (servers == null && containers == null) {
        throw JsonInputException.of("servers", "is required (or containers): at least one {\"hostname\":...,\"port\":...}");
      }
      servers = servers == null ? List.of() : servers;
      if (servers.isEmpty() && containers == null) {
        throw JsonInputException.of("servers", "must name at least one server");
      }
      containerServers = containerServers == null || containerServers.isEmpty() ? null : containerServers;
      if (containerServers != null && (containerServers.contains(null) || containers == null)) {
        throw JsonInputException.of("containerServers", "lists the servers of started containers; it needs containers");
      }
      for (int i = 0; i < servers.size(); i++) {
        if (servers.get(i) == null) {
          throw JsonInputException.of("servers[" + i + "]", "must be an object with hostname (or ip) and port");
        }
      }
      version = label(version);
      transition(upgradeTransition, "upgradeTransition", "INSTANT");
      if (uuid != null && !ID.matcher(uuid).matches()) {
        throw JsonInputException.of("uuid", "must be 1 to 64 letters, digits, '.', '_' or '-'");
      }
      if (promote != null && promote.contains(null)) {
        throw JsonInputException.of("promote[" + promote.indexOf(null) + "]", "must be an object");
      }
      if (state != null) {
        state = state(state).name();
        boolean members = state.equals(VersionState.STARTING.name()) || state.equals(VersionState.FAILED.name());
        if (members && containers == null) {
          throw JsonInputException.of("state", "can be " + state + " only for a version with containers");
        }
      }
      Json.whole(promotionStage, "promotionStage", 0, 0, promote == null ? 0 : promote.size());
      protocol = BackendTlsJson.protocol(protocol, tls != null);
    }

    static Cluster of(ClusterConfig c, boolean stored) {
      VersionPolicies p = c.policies();
      RolloutState r = c.rollout();
      boolean rolledBack = r.state() != VersionState.ACTIVE;
      List<ServerAddress> started = c.containers().started();
      return new Cluster(servers(c.servers()),
          c.version().label(), c.transition().asMap(), c.id(), stored ? c.addedAtMillis() : null,
          PolicyJson.Health.of(p.healthCheck()), PolicyJson.Rollback.of(p.rollback()),
          p.promote().isEmpty() ? null : p.promote().stream().map(PolicyJson.Stage::of).toList(),
          rolledBack ? r.state().name() : null, rolledBack ? r.reason() : null,
          r.promotionStage() > 0 ? (long) r.promotionStage() : null, r.paused() ? Boolean.TRUE : null,
          c.containers().isEmpty() ? null : c.containers().specs().stream().map(Container::of).toList(),
          started.isEmpty() ? null : servers(started), p.retireWhenDrained() ? Boolean.TRUE : null,
          BackendTlsJson.of(c.transport()), c.transport().protocol().equals(BackendTransport.HTTP_1_1) ? null : c.transport().protocol());
    }

    private static List<Server> servers(List<ServerAddress> servers) {
      return servers.stream().map(s -> new Server(s.host(), null, (long) s.port())).toList();
    }

    /** The version this JSON describes; a problem left for the registry's records has no field. */
    ClusterConfig toConfig(long nowMillis) {
      try {
        return config(nowMillis);
      } catch (IllegalArgumentException e) {
        throw JsonInputException.of("", "is not valid: " + e.getMessage());
      }
    }

    private ClusterConfig config(long nowMillis) {
      VersionPolicies policies = new VersionPolicies(
          healthCheck == null ? null : healthCheck.toCheck(),
          rollback == null ? null : rollback.toPolicy(),
          promote == null ? List.of() : promote.stream().map(PolicyJson.Stage::toStage).toList(),
          Boolean.TRUE.equals(retireWhenDrained));
      // containers not yet started make a version that starts; started ones were saved with it
      VersionState initial = containers != null && containerServers == null ? VersionState.STARTING : VersionState.ACTIVE;
      RolloutState rollout = new RolloutState(state == null ? initial : state(state), stateReason, promotionStage == null ? 0 : promotionStage.intValue(),
          Boolean.TRUE.equals(rolloutPaused));
      List<ServerAddress> started = containerServers == null ? List.of() : addresses(containerServers);
      List<ServerAddress> all = new java.util.ArrayList<>(addresses(servers));
      started.stream().filter(s -> !all.contains(s)).forEach(all::add);
      ContainerMembers members = containers == null ? ContainerMembers.NONE
          : new ContainerMembers(containers.stream().map(Container::toSpec).toList(), started);
      return new ClusterConfig(uuid == null ? UUID.randomUUID().toString() : uuid,
          version == null ? VersionNumber.DEFAULT : VersionNumber.parse((String) version),
          all, transition(upgradeTransition, "upgradeTransition", "INSTANT"),
          addedAtMillis == null ? nowMillis : addedAtMillis, policies, rollout, members, BackendTlsJson.transport(tls, protocol));
    }

    private static List<ServerAddress> addresses(List<Server> servers) {
      return servers.stream().map(s -> new ServerAddress(s.hostname(), s.port().intValue())).toList();
    }

    private static Object label(Object version) {
      String label;
      if (version == null || version instanceof String) {
        label = (String) version;
      } else if (version instanceof BigDecimal d) {
        label = Json.plain(d, "version");
      } else if (version instanceof Integer || version instanceof Long || version instanceof BigInteger) {
        label = version.toString();
      } else {
        throw JsonInputException.of("version", "must be a string or a number");
      }
      if (label != null && label.isBlank()) {
        throw JsonInputException.of("version", "must not be blank");
      }
      return label;
    }

    private static VersionState state(String state) {
      try {
        return VersionState.valueOf(state.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw JsonInputException.of("state", "must be ACTIVE, ROLLED_BACK, STARTING, FAILED or RETIRED");
      }
    }
  }

  /** One backend server: {@code hostname} (or, as in the original API, {@code ip}) and {@code port}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"hostname", "ip", "port"})
  public record Server(String hostname, String ip, Long port) {

    public Server {
      String field = hostname != null ? "hostname" : "ip";
      String host = hostname != null ? hostname : ip;
      if (host == null) {
        throw JsonInputException.of("hostname", "(or ip) is required");
      }
      hostname = host.strip();
      if (!InetAddresses.isInetAddress(hostname) && !InternetDomainName.isValid(hostname)) {
        throw JsonInputException.of(field, "must be a host name or IP address, without port or brackets, e.g. \"10.0.0.5\" or \"::1\"");
      }
      ip = null;
      if (port == null) {
        throw JsonInputException.of("port", "is required");
      }
      Json.whole(port, "port", 0, 1, 65535);
    }
  }

  /**
   * One kind of container of a version, with the field names of the original proxy's container
   * support ({@code image}, {@code tag}, {@code name}, {@code portToProxy}, {@code portBindings},
   * {@code environment}, {@code volumes}, {@code links}) plus {@code count}, {@code healthPath},
   * {@code command} and {@code labels}.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"image", "tag", "name", "portToProxy", "portBindings", "environment", "volumes", "links", "count",
      "healthPath", "command", "labels"})
  public record Container(String image, String tag, String name, Long portToProxy, Map<String, List<PortBinding>> portBindings,
      Object environment, List<String> volumes, List<String> links, Long count, String healthPath, List<String> command,
      Map<String, String> labels) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern PORT_KEY = Pattern.compile("[0-9]{1,5}(/(tcp|udp|sctp))?");

    public Container {
      if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
        throw JsonInputException.of("image", "is required: an image name such as \"localhost/shop\"");
      }
      int colon = image.lastIndexOf(':');
      if (tag == null && colon > image.lastIndexOf('/')) {
        tag = image.substring(colon + 1);
        image = image.substring(0, colon);
      }
      tag = tag == null ? "latest" : tag.strip();
      if (tag.isEmpty() || tag.chars().anyMatch(Character::isWhitespace)) {
        throw JsonInputException.of("tag", "must be a tag such as \"2.0\"");
      }
      if (name != null && !NAME.matcher(name).matches()) {
        throw JsonInputException.of("name", "must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit");
      }
      if (portToProxy == null) {
        throw JsonInputException.of("portToProxy", "is required: the port inside the container that serves requests");
      }
      Json.whole(portToProxy, "portToProxy", 0, 1, 65535);
      count = Json.whole(count, "count", 1, 1, 100);
      portBindings = portBindings == null ? Map.of() : portBindings;
      for (Map.Entry<String, List<PortBinding>> e : portBindings.entrySet()) {
        String field = "portBindings." + e.getKey();
        if (!PORT_KEY.matcher(e.getKey()).matches()) {
          throw JsonInputException.of(field, "must be keyed by a container port such as \"8080/tcp\"");
        }
        if (e.getValue() == null || e.getValue().contains(null)) {
          throw JsonInputException.of(field, "must be a list of {\"hostIp\":...,\"hostPort\":...}");
        }
        boolean fixed = e.getValue().stream().anyMatch(b -> b.hostPort() != null);
        if (fixed && count > 1) {
          throw JsonInputException.of(field, "binds a fixed host port, which " + count + " replicas cannot share; leave hostPort out");
        }
      }
      environment = environment(environment);
      volumes = strings(volumes, "volumes");
      links = strings(links, "links");
      command = strings(command, "command");
      labels = labels == null ? Map.of() : labels;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (e.getKey().startsWith(ContainerLabels.PREFIX) || e.getValue() == null) {
          throw JsonInputException.of("labels." + e.getKey(), "must be a string, and names under " + ContainerLabels.PREFIX
              + " are Handover's own");
        }
      }
      if (healthPath != null && !healthPath.startsWith("/")) {
        throw JsonInputException.of("healthPath", "must start with '/'");
      }
    }

    static Container of(ContainerSpec s) {
      Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
      s.portBindings().forEach((port, list) -> bindings.put(port, list.stream().map(PortBinding::of).toList()));
      return new Container(s.image(), s.tag(), s.name(), (long) s.portToProxy(), bindings, s.environment(), s.volumes(), s.links(),
          (long) s.count(), s.healthPath(), s.command(), s.labels());
    }

    ContainerSpec toSpec() {
      Map<String, List<Map<String, String>>> bindings = new LinkedHashMap<>();
      portBindings.forEach((port, list) -> bindings.put(port.contains("/") ? port : port + "/tcp",
          list.stream().map(PortBinding::toMap).toList()));
      @SuppressWarnings("unchecked")
      List<String> env = (List<String>) environment;
      return new ContainerSpec(image, tag, name, portToProxy.intValue(), bindings, env, volumes, links, count.intValue(), healthPath,
          command, labels);
    }

    /** {@code ["A=1"]} or, as an object, {@code {"A":"1"}}. */
    private static List<String> environment(Object raw) {
      if (raw == null) {
        return List.of();
      }
      List<String> env = new java.util.ArrayList<>();
      if (raw instanceof Map<?, ?> map) {
        map.forEach((k, v) -> {
          if (!(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
            throw JsonInputException.of("environment." + k, "must be a string");
          }
          env.add(k + "=" + v);
        });
      } else if (raw instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof String s) || s.indexOf('=') < 1) {
            throw JsonInputException.of("environment[" + i + "]", "must be \"NAME=value\"");
          }
          env.add((String) list.get(i));
        }
      } else {
        throw JsonInputException.of("environment", "must be a list of \"NAME=value\" or an object of names to values");
      }
      return List.copyOf(env);
    }

    private static List<String> strings(List<String> raw, String field) {
      if (raw == null) {
        return List.of();
      }
      for (int i = 0; i < raw.size(); i++) {
        if (raw.get(i) == null || raw.get(i).isBlank()) {
          throw JsonInputException.of(field + "[" + i + "]", "must be a non-empty string");
        }
      }
      return List.copyOf(raw);
    }
  }

  /** A host address a container port is bound to: {@code hostIp} (default 127.0.0.1) and {@code hostPort} (default ephemeral). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PortBinding(String hostIp, Long hostPort) {

    public PortBinding {
      hostIp = hostIp == null ? "127.0.0.1" : hostIp.strip();
      if (!InetAddresses.isInetAddress(hostIp)) {
        throw JsonInputException.of("hostIp", "must be an IP address such as \"127.0.0.1\"");
      }
      if (hostPort != null) {
        Json.whole(hostPort, "hostPort", 0, 1, 65535);
      }
    }

    static PortBinding of(Map<String, String> engine) {
      String port = engine.get("HostPort");
      return new PortBinding(engine.get("HostIp"), port == null || port.isEmpty() ? null : Long.valueOf(port));
    }

    Map<String, String> toMap() {
      return Map.of("HostIp", hostIp, "HostPort", hostPort == null ? "" : hostPort.toString());
    }
  }

  /**
   * An {@code upgradeTransition} (or a stage's {@code to}) as settings with the mode upper-cased;
   * {@code absent} is the mode when there is none. As in the original API, an object without a mode
   * means SESSION.
   */
  static Settings transition(Map<String, Object> raw, String field, String absent) {
    Map<String, Object> values = new LinkedHashMap<>();
    Object mode = raw == null ? absent : raw.get("mode") == null ? "SESSION" : raw.get("mode");
    if (!(mode instanceof String m) || m.isBlank()) {
      throw JsonInputException.of(field + ".mode", "must be a mode name such as \"INSTANT\"");
    }
    values.put("mode", m.strip().toUpperCase(Locale.ROOT));
    if (raw != null) {
      raw.forEach((k, v) -> values.putIfAbsent(k, v));
    }
    return Settings.of(values);
  }
}

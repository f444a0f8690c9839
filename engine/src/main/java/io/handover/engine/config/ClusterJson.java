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
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
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
  @JsonPropertyOrder({"servers", "upgradeTransition", "healthCheck", "rollback", "promote", "uuid", "version",
      "state", "stateReason", "promotionStage", "rolloutPaused", "addedAtMillis"})
  public record Cluster(List<Server> servers, Object version, Map<String, Object> upgradeTransition, String uuid,
      Long addedAtMillis, PolicyJson.Health healthCheck, PolicyJson.Rollback rollback, List<PolicyJson.Stage> promote,
      String state, String stateReason, Long promotionStage, Boolean rolloutPaused) {

    public Cluster {
      if (servers == null) {
        throw JsonInputException.of("servers", "is required: at least one {\"hostname\":...,\"port\":...}");
      }
      if (servers.isEmpty()) {
        throw JsonInputException.of("servers", "must name at least one server");
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
      }
      Json.whole(promotionStage, "promotionStage", 0, 0, promote == null ? 0 : promote.size());
    }

    static Cluster of(ClusterConfig c, boolean stored) {
      VersionPolicies p = c.policies();
      RolloutState r = c.rollout();
      boolean rolledBack = r.state() != VersionState.ACTIVE;
      return new Cluster(c.servers().stream().map(s -> new Server(s.host(), null, (long) s.port())).toList(),
          c.version().label(), c.transition().asMap(), c.id(), stored ? c.addedAtMillis() : null,
          PolicyJson.Health.of(p.healthCheck()), PolicyJson.Rollback.of(p.rollback()),
          p.promote().isEmpty() ? null : p.promote().stream().map(PolicyJson.Stage::of).toList(),
          rolledBack ? r.state().name() : null, rolledBack ? r.reason() : null,
          r.promotionStage() > 0 ? (long) r.promotionStage() : null, r.paused() ? Boolean.TRUE : null);
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
          promote == null ? List.of() : promote.stream().map(PolicyJson.Stage::toStage).toList());
      RolloutState rollout = new RolloutState(state == null ? VersionState.ACTIVE : state(state), stateReason,
          promotionStage == null ? 0 : promotionStage.intValue(), Boolean.TRUE.equals(rolloutPaused));
      return new ClusterConfig(uuid == null ? UUID.randomUUID().toString() : uuid,
          version == null ? VersionNumber.DEFAULT : VersionNumber.parse((String) version),
          servers.stream().map(s -> new ServerAddress(s.hostname(), s.port().intValue())).toList(),
          transition(upgradeTransition, "upgradeTransition", "INSTANT"),
          addedAtMillis == null ? nowMillis : addedAtMillis, policies, rollout);
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
        throw JsonInputException.of("state", "must be ACTIVE or ROLLED_BACK");
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

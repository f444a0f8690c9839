package io.handover.engine.container;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.api.InvalidSettingException;
import io.handover.api.VersionState;
import io.handover.engine.json.Json;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ContainerSpec;
import io.handover.engine.registry.LiveVersion;
import io.handover.engine.registry.RolloutState;
import io.handover.engine.registry.ServerAddress;
import io.handover.engine.registry.Snapshot;
import io.handover.engine.registry.VersionRegistry;
import io.handover.engine.registry.VersionWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the containers of container-backed versions. A version added with containers is
 * {@code STARTING}; this starts them, waits until each accepts connections (and passes its
 * {@code healthPath}), then gives the version their host addresses as its servers and makes it
 * {@code ACTIVE} — or {@code FAILED} with the engine's reason, removing what it started. A version
 * that goes has its containers stopped and removed once the drain time is over. On start it
 * re-adopts the labelled containers of the versions it has and removes those of versions it no
 * longer has.
 *
 * <p>Every engine call runs on this class's one worker thread; the registry's callbacks only queue
 * work for it. Containers outlive {@link #close}, so that a restarted Handover adopts them.
 */
public final class ContainerSupervisor implements VersionWatcher, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContainerSupervisor.class);

  /** The containers started for one version's specs. */
  private record Tracked(String versionId, String spec, List<String> ids) {}

  /** A container as {@code /status} reports it. */
  private record Seen(String id, String name, String server, String state, Integer exitCode, String error) {}

  private final VersionRegistry registry;
  private final ContainerSettings settings;
  private final DockerEngine engine;
  private final DockerEngine quickEngine;
  private final HttpClient health = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "handover-containers");
    t.setDaemon(true);
    return t;
  });
  /** Worker thread only. */
  private final Map<String, Tracked> tracked = new HashMap<>();
  private boolean swept;
  private volatile Map<String, List<Seen>> seen = Map.of();

  private ContainerSupervisor(VersionRegistry registry, ContainerSettings settings) {
    this.registry = requireNonNull(registry, "registry is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.engine = new DockerEngine(settings.engine(), settings.requestTimeout());
    this.quickEngine = new DockerEngine(settings.engine(), Duration.ofSeconds(2));
  }

  /** Starts watching {@code registry}'s versions. */
  public static ContainerSupervisor start(VersionRegistry registry, ContainerSettings settings) {
    ContainerSupervisor supervisor = new ContainerSupervisor(registry, settings);
    long poll = settings.pollInterval().toMillis();
    supervisor.worker.scheduleWithFixedDelay(supervisor::poll, poll, poll, TimeUnit.MILLISECONDS);
    registry.watch(supervisor);
    return supervisor;
  }

  public EngineAddress engine() {
    return settings.engine();
  }

  /** Rejects a version with containers when the engine cannot be reached (within two seconds). */
  @Override
  public void check(ClusterConfig proposed) {
    if (proposed.containers().isEmpty()) {
      return;
    }
    try {
      quickEngine.ping();
    } catch (EngineException e) {
      throw new InvalidSettingException("containers", "containers: " + e.getMessage());
    }
  }

  @Override
  public void published(Snapshot snapshot) {
    try {
      worker.execute(this::reconcile);
    } catch (RejectedExecutionException e) {
      // closed: the next start reconciles
    }
  }

  /** The containers of a version as last seen, for {@code /status}; null for a version without containers. */
  public JsonNode status(String versionId) {
    List<Seen> list = seen.get(versionId);
    if (list == null) {
      return null;
    }
    ArrayNode array = Json.MAPPER.createArrayNode();
    list.forEach(s -> array.add((JsonNode) Json.MAPPER.valueToTree(s)));
    return array;
  }

  private void poll() {
    reconcile();
    watch();
  }

  /** Brings the engine in line with the registry; worker thread. */
  private void reconcile() {
    try {
      Snapshot snapshot = registry.snapshot();
      if (!swept) {
        swept = sweep(snapshot);
      }
      Map<String, ClusterConfig> wanted = new LinkedHashMap<>();
      for (LiveVersion v : snapshot.all()) {
        // a retired version keeps nothing running: its containers go as a removed version's do
        if (!v.config().containers().isEmpty() && v.info().state() != VersionState.RETIRED) {
          wanted.put(v.config().id(), v.config());
        }
      }
      for (Tracked t : List.copyOf(tracked.values())) {
        ClusterConfig c = wanted.get(t.versionId());
        if (c == null || !specHash(c).equals(t.spec())) {
          tracked.remove(t.versionId());
          retireLater(t);
        }
      }
      for (ClusterConfig c : wanted.values()) {
        // STARTING again after a PUT that sent the same containers: its running ones are adopted
        if (!tracked.containsKey(c.id()) || c.rollout().state() == VersionState.STARTING) {
          if (c.rollout().state() == VersionState.FAILED) {
            tracked.put(c.id(), new Tracked(c.id(), specHash(c), List.of()));
          } else {
            start(c);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("containers could not be brought in line with the versions", e);
    }
  }

  /** Removes the containers of this scope whose version is gone or failed; false when the engine cannot be reached. */
  private boolean sweep(Snapshot snapshot) {
    try {
      for (JsonNode c : engine.list(Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.SCOPE, settings.scope()))) {
        String versionId = c.path("Labels").path(ContainerLabels.VERSION_ID).asText();
        LiveVersion v = snapshot.get(versionId);
        if (v == null || v.config().containers().isEmpty() || v.info().state() == VersionState.FAILED
            || v.info().state() == VersionState.RETIRED) {
          log.info("removing container {} of version {} (cluster {}), which this proxy no longer has", DockerEngine.shortId(c.path("Id").asText()),
              c.path("Labels").path(ContainerLabels.VERSION).asText(), versionId);
          engine.remove(c.path("Id").asText());
        }
      }
      return true;
    } catch (EngineException e) {
      if (snapshot.all().stream().anyMatch(v -> !v.config().containers().isEmpty())) {
        log.warn("{}", e.getMessage());
      }
      return false;
    }
  }

  private void start(ClusterConfig c) {
    String spec = specHash(c);
    List<String> ids = new ArrayList<>();
    try {
      Map<String, JsonNode> existing = new HashMap<>();
      for (JsonNode found : engine.list(Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.SCOPE, settings.scope(),
          ContainerLabels.VERSION_ID, c.id()))) {
        JsonNode labels = found.path("Labels");
        boolean running = "running".equals(found.path("State").asText());
        if (running && spec.equals(labels.path(ContainerLabels.SPEC).asText())) {
          existing.put(labels.path(ContainerLabels.INDEX).asText() + "/" + labels.path(ContainerLabels.REPLICA).asText(), found);
        } else {
          engine.remove(found.path("Id").asText());
        }
      }
      List<ContainerSpec> specs = c.containers().specs();
      List<ContainerSpec> specOf = new ArrayList<>();
      int adopted = 0;
      for (int i = 0; i < specs.size(); i++) {
        for (int r = 0; r < specs.get(i).count(); r++) {
          JsonNode found = existing.get(i + "/" + r);
          if (found != null) {
            ids.add(found.path("Id").asText());
            adopted++;
          } else {
            ids.add(createAndStart(c, spec, specs.get(i), i, r));
          }
          specOf.add(specs.get(i));
        }
      }
      tracked.put(c.id(), new Tracked(c.id(), spec, List.copyOf(ids)));
      long deadline = System.nanoTime() + settings.startTimeout().toNanos();
      List<ServerAddress> servers = new ArrayList<>();
      for (int k = 0; k < ids.size(); k++) {
        servers.add(awaitReady(ids.get(k), specOf.get(k), deadline));
      }
      VersionState state = c.rollout().state() == VersionState.STARTING ? VersionState.ACTIVE : c.rollout().state();
      String reason = state == VersionState.ACTIVE ? null : c.rollout().reason();
      ClusterConfig next = c.withStarted(servers, new RolloutState(state, reason, c.rollout().promotionStage()));
      log.info("version {} (cluster {}): {} containers ready ({} adopted) at {}", c.version(), c.id(), ids.size(), adopted, servers);
      if (!next.servers().equals(c.servers()) || !next.containers().equals(c.containers()) || !next.rollout().equals(c.rollout())) {
        registry.replace(c, next);
      }
    } catch (EngineException e) {
      if (e.status() == 0 && c.rollout().state() != VersionState.STARTING) {
        // the engine is away, not the version: keep what runs and try again on the next poll
        log.warn("version {} (cluster {}): {}", c.version(), c.id(), e.getMessage());
        return;
      }
      fail(c, spec, ids, e.getMessage());
    } catch (ContainerFailure e) {
      fail(c, spec, ids, e.getMessage());
    } catch (UncheckedIOException e) {
      log.error("version {} (cluster {}): could not save that its containers started: {}", c.version(), c.id(), e.getMessage());
    }
  }

  private String createAndStart(ClusterConfig c, String spec, ContainerSpec s, int index, int replica) throws EngineException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("Image", s.reference());
    if (!s.command().isEmpty()) {
      body.set("Cmd", Json.MAPPER.valueToTree(s.command()));
    }
    body.set("Env", Json.MAPPER.valueToTree(s.environment()));
    Map<String, String> labels = new LinkedHashMap<>(s.labels());
    labels.put(ContainerLabels.MANAGED, "true");
    labels.put(ContainerLabels.SCOPE, settings.scope());
    labels.put(ContainerLabels.VERSION_ID, c.id());
    labels.put(ContainerLabels.VERSION, c.version().label());
    labels.put(ContainerLabels.SPEC, spec);
    labels.put(ContainerLabels.INDEX, Integer.toString(index));
    labels.put(ContainerLabels.REPLICA, Integer.toString(replica));
    String proxied = s.portToProxy() + "/tcp";
    labels.put(ContainerLabels.PORT, proxied);
    body.set("Labels", Json.MAPPER.valueToTree(labels));
    Map<String, List<Map<String, String>>> bindings = new LinkedHashMap<>(s.portBindings());
    bindings.putIfAbsent(proxied, List.of(Map.of("HostIp", "127.0.0.1", "HostPort", "")));
    ObjectNode exposed = body.putObject("ExposedPorts");
    bindings.keySet().forEach(port -> exposed.putObject(port));
    ObjectNode host = body.putObject("HostConfig");
    host.set("PortBindings", Json.MAPPER.valueToTree(bindings));
    if (!s.volumes().isEmpty()) {
      host.set("Binds", Json.MAPPER.valueToTree(s.volumes()));
    }
    if (!s.links().isEmpty()) {
      host.set("Links", Json.MAPPER.valueToTree(s.links()));
    }
    String name = s.name() == null ? null : s.count() > 1 ? s.name() + "-" + replica : s.name();
    String id = engine.create(name, body);
    try {
      engine.start(id);
    } catch (EngineException e) {
      engine.remove(id);
      throw e;
    }
    return id;
  }

  /** Waits until the container accepts connections on its proxied port (and answers its healthPath). */
  private ServerAddress awaitReady(String id, ContainerSpec s, long deadline) throws EngineException, ContainerFailure {
    String proxied = s.portToProxy() + "/tcp";
    String last = "it did not start";
    while (System.nanoTime() < deadline) {
      JsonNode inspected = engine.inspect(id);
      if (inspected == null) {
        throw new ContainerFailure("container " + DockerEngine.shortId(id) + " of " + s.reference() + " was removed while it started");
      }
      JsonNode state = inspected.path("State");
      if (!state.path("Running").asBoolean()) {
        String status = state.path("Status").asText();
        if (status.equals("exited") || status.equals("dead") || status.equals("stopped")) {
          String error = state.path("Error").asText("");
          throw new ContainerFailure("container " + name(inspected) + " of " + s.reference() + " exited with code "
              + state.path("ExitCode").asInt() + (error.isEmpty() ? "" : ": " + error));
        }
      } else {
        ServerAddress address = hostAddress(inspected, proxied);
        if (address == null) {
          last = "the engine reports no host port for " + proxied;
        } else if (!accepts(address)) {
          last = "nothing accepted connections on " + address;
        } else if (s.healthPath() != null && !healthy(address, s.healthPath())) {
          last = "GET " + s.healthPath() + " on " + address + " did not answer 2xx or 3xx";
        } else {
          return address;
        }
      }
      pause();
    }
    throw new ContainerFailure("container " + DockerEngine.shortId(id) + " of " + s.reference() + " was not ready within "
        + settings.startTimeout().toSeconds() + " s: " + last);
  }

  private static ServerAddress hostAddress(JsonNode inspected, String port) {
    JsonNode bindings = inspected.path("NetworkSettings").path("Ports").path(port);
    for (JsonNode b : bindings) {
      String hostPort = b.path("HostPort").asText("");
      if (!hostPort.isEmpty() && !hostPort.equals("0")) {
        String ip = b.path("HostIp").asText("");
        String host = ip.isEmpty() || ip.equals("0.0.0.0") ? "127.0.0.1" : ip.equals("::") ? "::1" : ip;
        return new ServerAddress(host, Integer.parseInt(hostPort));
      }
    }
    return null;
  }

  private static boolean accepts(ServerAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.host(), address.port()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean healthy(ServerAddress address, String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address.authority() + path))
          .timeout(Duration.ofSeconds(2)).GET().build();
      int status = health.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status >= 200 && status < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void pause() throws ContainerFailure {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerFailure("interrupted while the containers started");
    }
  }

  /** Marks the version FAILED and removes whatever was started for it. */
  private void fail(ClusterConfig c, String spec, List<String> ids, String reason) {
    log.warn("version {} (cluster {}) FAILED: {}", c.version(), c.id(), reason);
    removeAll(c.id(), spec, ids);
    tracked.put(c.id(), new Tracked(c.id(), spec, List.of()));
    try {
      registry.replace(c, c.withStarted(List.of(), new RolloutState(VersionState.FAILED, reason, c.rollout().promotionStage())));
    } catch (UncheckedIOException e) {
      log.error("version {} (cluster {}): could not save that it failed: {}", c.version(), c.id(), e.getMessage());
    }
  }

  private void retireLater(Tracked t) {
    seen = without(seen, t.versionId());
    if (worker.isShutdown()) {
      return;
    }
    worker.schedule(() -> {
      log.info("stopping {} containers of cluster {}", t.ids().size(), t.versionId());
      for (String id : t.ids()) {
        try {
          engine.stopAndRemove(id, settings.stopSeconds());
        } catch (EngineException e) {
          log.warn("{}", e.getMessage());
        }
      }
      removeAll(t.versionId(), t.spec(), List.of());
    }, settings.drain().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Removes these containers and any other this scope has for this version and spec. */
  private void removeAll(String versionId, String spec, List<String> ids) {
    try {
      for (String id : ids) {
        engine.remove(id);
      }
      for (JsonNode c : engine.list(Map.of(ContainerLabels.MANAGED, "true", ContainerLabels.SCOPE, settings.scope(),
          ContainerLabels.VERSION_ID, versionId, ContainerLabels.SPEC, spec))) {
        // a newer spec of the same version may run already; this one's are gone for good
        engine.remove(c.path("Id").asText());
      }
    } catch (EngineException e) {
      log.warn("{}", e.getMessage());
    }
  }

  /** Reads the state of every tracked container, for {@code /status}; a container that died is logged once. */
  private void watch() {
    Map<String, List<Seen>> next = new HashMap<>();
    for (Tracked t : tracked.values()) {
      List<Seen> list = new ArrayList<>();
      List<Seen> before = seen.getOrDefault(t.versionId(), List.of());
      for (String id : t.ids()) {
        Seen s;
        try {
          JsonNode inspected = engine.inspect(id);
          if (inspected == null) {
            s = new Seen(DockerEngine.shortId(id), null, null, "removed", null, null);
          } else {
            JsonNode state = inspected.path("State");
            ServerAddress address = hostAddress(inspected, portOf(inspected));
            boolean running = state.path("Running").asBoolean();
            String error = state.path("Error").asText("");
            s = new Seen(DockerEngine.shortId(id), name(inspected), address == null ? null : address.authority(),
                state.path("Status").asText(), running ? null : state.path("ExitCode").asInt(), error.isEmpty() ? null : error);
          }
        } catch (EngineException e) {
          s = new Seen(DockerEngine.shortId(id), null, null, "unknown", null, e.getMessage());
        }
        String shortId = s.id();
        Seen was = before.stream().filter(b -> b.id().equals(shortId)).findFirst().orElse(null);
        if (s.exitCode() != null && (was == null || was.exitCode() == null)) {
          log.warn("container {} of cluster {} is {} with exit code {}: its server gets no traffic", s.id(), t.versionId(), s.state(),
              s.exitCode());
        }
        list.add(s);
      }
      next.put(t.versionId(), List.copyOf(list));
    }
    seen = Map.copyOf(next);
  }

  private static String portOf(JsonNode inspected) {
    String proxied = inspected.path("Config").path("Labels").path(ContainerLabels.PORT).asText("");
    if (!proxied.isEmpty()) {
      return proxied;
    }
    var fields = inspected.path("NetworkSettings").path("Ports").fieldNames();
    return fields.hasNext() ? fields.next() : "";
  }

  private static String name(JsonNode inspected) {
    String name = inspected.path("Name").asText("");
    return name.startsWith("/") ? name.substring(1) : name;
  }

  private static Map<String, List<Seen>> without(Map<String, List<Seen>> map, String key) {
    Map<String, List<Seen>> copy = new HashMap<>(map);
    copy.remove(key);
    return Map.copyOf(copy);
  }

  /** A digest of what the version runs: containers started for other specs are not its own. */
  static String specHash(ClusterConfig c) {
    try {
      byte[] json = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(c.containers().specs());
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops watching; the containers keep running for the next start to adopt. */
  @Override
  public void close() {
    worker.shutdownNow();
  }

  /** A container that could not start or be ready; the message says why. */
  private static final class ContainerFailure extends Exception {
    ContainerFailure(String message) {
      super(message);
    }
  }
}

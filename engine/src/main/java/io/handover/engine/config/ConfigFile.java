package io.handover.engine.config;

import io.handover.engine.container.ContainerSettings;
import io.handover.engine.container.EngineAddress;
import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.proxy.ClientLimits;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.proxy.ProxySettings;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The config file as written, bound by {@link Json#read}: every key optional, defaults from
 * {@link HandoverConfig#defaults()} filled in as each section is built. See {@code docs/configuration.md}.
 */
record ConfigFile(Proxy proxy, ConfigService configService, ClusterJson.Cluster cluster, List<ClusterJson.Wrapper> clusters,
    String stateFile, String cookieSecret, String pluginsDir, Object dockerHost, String containerScope, Store store,
    Long shutdownGraceMillis, Metrics metrics, AccessLog accessLog) {

  ConfigFile {
    dockerHost = dockerHost == null ? null : engine(dockerHost);
    if (text(containerScope, "containerScope") != null && !containerScope.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw JsonInputException.of("containerScope", "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    proxy = proxy == null ? new Proxy(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : proxy;
    configService = configService == null ? new ConfigService(null, null, null, null, null, null) : configService;
    clusters = clusters == null ? List.of() : clusters;
    for (int i = 0; i < clusters.size(); i++) {
      if (clusters.get(i) == null) {
        throw JsonInputException.of("clusters[" + i + "]", "must be {\"cluster\":{...}}");
      }
    }
    shutdownGraceMillis = Json.whole(shutdownGraceMillis, "shutdownGraceMillis", OperationsSettings.DEFAULT.shutdownGraceMillis(), 0, 3_600_000);
    metrics = metrics == null ? new Metrics(null) : metrics;
    accessLog = accessLog == null ? new AccessLog(null, null) : accessLog;
    text(stateFile, "stateFile");
    text(pluginsDir, "pluginsDir");
    if (text(cookieSecret, "cookieSecret") != null && cookieSecret.length() < 16) {
      throw JsonInputException.of("cookieSecret", "must have at least 16 characters");
    }
  }

  /** {@code metrics}: whether the request path feeds {@code /metrics} (on by default). */
  record Metrics(Boolean enabled) {
    Metrics {
      enabled = enabled == null || enabled;
    }
  }

  /** {@code accessLog}: one line per request on the {@code io.handover.access} logger, as text or JSON. */
  record AccessLog(Boolean enabled, String format) {
    AccessLog {
      enabled = enabled != null && enabled;
      format = format == null ? "text" : text(format, "format");
      if (!format.equals("text") && !format.equals("json")) {
        throw JsonInputException.of("format", "must be \"text\" or \"json\"");
      }
    }
  }

  /** The settings of {@code shutdownGraceMillis}, {@code metrics} and {@code accessLog}. */
  OperationsSettings operations() {
    return new OperationsSettings(metrics.enabled(), accessLog.enabled(), accessLog.format().equals("json"), shutdownGraceMillis);
  }

  /** {@code proxy}: where the proxy listens, how it treats requests, its connection pools. */
  record Proxy(String bindAddress, Long port, Long ioThreads, Long maxRequestTimeMillis, Long maxRequestBodyBytes,
      Boolean trustForwardedHeaders, Long firstByteTimeoutMillis, Long maxBufferedBodyBytes, List<Long> failoverStatuses,
      Long connectionsPerThread, Long maxQueueSize, Long problemServerRetrySeconds, Long idleTimeoutMillis,
      Long ejectAfterFailures, Long baseEjectionMillis, Long maxEjectionMillis, Long maxUriBytes, Long maxHeaderLineBytes,
      Long maxHeaderCount, Long maxHeaderBytes, Long maxCookies, Long headerReadTimeoutMillis, Long keepAliveTimeoutMillis,
      Long bodyReadTimeoutMillis, Long sendTimeoutMillis, Long maxBufferedBodyBytesTotal, Long maxConnections,
      Long maxConnectionsPerClient) {

    Proxy {
      HandoverConfig d = HandoverConfig.defaults();
      ProxySettings s = d.proxySettings();
      PoolSettings p = d.pool();
      bindAddress = bindAddress == null ? d.proxy().bindAddress() : text(bindAddress, "bindAddress");
      port = Json.whole(port, "port", d.proxy().port(), 0, 65535);
      ioThreads = Json.whole(ioThreads, "ioThreads", d.ioThreads(), 1, 1024);
      maxRequestTimeMillis = Json.whole(maxRequestTimeMillis, "maxRequestTimeMillis", s.maxRequestTimeMillis(), 0, Integer.MAX_VALUE);
      maxRequestBodyBytes = Json.whole(maxRequestBodyBytes, "maxRequestBodyBytes", s.maxRequestBodyBytes(), -1, Long.MAX_VALUE);
      trustForwardedHeaders = trustForwardedHeaders == null ? s.trustForwardedHeaders() : trustForwardedHeaders;
      firstByteTimeoutMillis = Json.whole(firstByteTimeoutMillis, "firstByteTimeoutMillis", s.firstByteTimeoutMillis(), 1, Integer.MAX_VALUE);
      maxBufferedBodyBytes = Json.whole(maxBufferedBodyBytes, "maxBufferedBodyBytes", s.maxBufferedBodyBytes(), 0, Integer.MAX_VALUE - 16);
      if (failoverStatuses == null) {
        failoverStatuses = s.failoverStatuses().stream().map(Long::valueOf).toList();
      }
      for (int i = 0; i < failoverStatuses.size(); i++) {
        Long status = failoverStatuses.get(i);
        if (status == null || status < 500 || status > 599) {
          throw JsonInputException.of("failoverStatuses[" + i + "]", "must be a 5xx status code");
        }
      }
      connectionsPerThread = Json.whole(connectionsPerThread, "connectionsPerThread", p.connectionsPerThread(), 1, 100_000);
      maxQueueSize = Json.whole(maxQueueSize, "maxQueueSize", p.maxQueueSize(), 0, 1_000_000);
      problemServerRetrySeconds = Json.whole(problemServerRetrySeconds, "problemServerRetrySeconds", p.problemServerRetrySeconds(), 1, 3600);
      idleTimeoutMillis = Json.whole(idleTimeoutMillis, "idleTimeoutMillis", p.idleTtlMillis(), -1, Integer.MAX_VALUE);
      ejectAfterFailures = Json.whole(ejectAfterFailures, "ejectAfterFailures", p.ejectAfterFailures(), 1, 1_000_000);
      baseEjectionMillis = Json.whole(baseEjectionMillis, "baseEjectionMillis", p.baseEjectionMillis(), 1, 3_600_000);
      maxEjectionMillis = Json.whole(maxEjectionMillis, "maxEjectionMillis", p.maxEjectionMillis(), 1, 86_400_000);
      ClientLimits l = s.limits();
      maxUriBytes = Json.whole(maxUriBytes, "maxUriBytes", l.maxUriBytes(), 256, 1024 * 1024);
      maxHeaderLineBytes = Json.whole(maxHeaderLineBytes, "maxHeaderLineBytes", l.maxHeaderLineBytes(), 256, 1024 * 1024);
      maxHeaderCount = Json.whole(maxHeaderCount, "maxHeaderCount", l.maxHeaderCount(), 8, 10_000);
      maxHeaderBytes = Json.whole(maxHeaderBytes, "maxHeaderBytes", l.maxHeaderBytes(), 1024, 4 * 1024 * 1024);
      maxCookies = Json.whole(maxCookies, "maxCookies", l.maxCookies(), 1, 10_000);
      headerReadTimeoutMillis = Json.whole(headerReadTimeoutMillis, "headerReadTimeoutMillis", l.headerReadTimeoutMillis(), 100, 3_600_000);
      keepAliveTimeoutMillis = Json.whole(keepAliveTimeoutMillis, "keepAliveTimeoutMillis", l.keepAliveTimeoutMillis(), 100, 3_600_000);
      bodyReadTimeoutMillis = Json.whole(bodyReadTimeoutMillis, "bodyReadTimeoutMillis", l.bodyReadTimeoutMillis(), 100, 3_600_000);
      sendTimeoutMillis = Json.whole(sendTimeoutMillis, "sendTimeoutMillis", l.sendTimeoutMillis(), 100, 3_600_000);
      maxBufferedBodyBytesTotal = Json.whole(maxBufferedBodyBytesTotal, "maxBufferedBodyBytesTotal", l.maxBufferedBodyBytesTotal(), -1, Long.MAX_VALUE);
      maxConnections = Json.whole(maxConnections, "maxConnections", l.maxConnections(), 1, 10_000_000);
      maxConnectionsPerClient = Json.whole(maxConnectionsPerClient, "maxConnectionsPerClient", l.maxConnectionsPerClient(), 0, 10_000_000);
    }

    HandoverConfig.Listener listener() {
      return new HandoverConfig.Listener(bindAddress, port.intValue());
    }

    ProxySettings settings() {
      Set<Integer> statuses = new TreeSet<>();
      failoverStatuses.forEach(status -> statuses.add(status.intValue()));
      return new ProxySettings(maxRequestTimeMillis.intValue(), maxRequestBodyBytes, trustForwardedHeaders,
          firstByteTimeoutMillis.intValue(), maxBufferedBodyBytes.intValue(), statuses,
          new ClientLimits(maxUriBytes.intValue(), maxHeaderLineBytes.intValue(), maxHeaderCount.intValue(),
              maxHeaderBytes.intValue(), maxCookies.intValue(), headerReadTimeoutMillis.intValue(),
              keepAliveTimeoutMillis.intValue(), bodyReadTimeoutMillis.intValue(), sendTimeoutMillis.intValue(),
              maxBufferedBodyBytesTotal, maxConnections.intValue(), maxConnectionsPerClient.intValue()));
    }

    PoolSettings pool() {
      return new PoolSettings(connectionsPerThread.intValue(), maxQueueSize.intValue(), problemServerRetrySeconds.intValue(),
          idleTimeoutMillis.intValue(), ejectAfterFailures.intValue(), baseEjectionMillis, maxEjectionMillis);
    }
  }

  /** {@code store}: where the versions are kept when not in the state file. */
  record Store(Etcd etcd) {
    Store {
      if (etcd == null) {
        throw JsonInputException.of("etcd", "is required: the only store besides the state file");
      }
    }
  }

  /** {@code store.etcd}: the etcd cluster and key prefix the instances of one proxy share. */
  record Etcd(List<String> endpoints, String prefix, String name) {
    Etcd {
      endpoints = endpoints == null ? List.of() : endpoints;
      prefix = prefix == null ? EtcdSettings.DEFAULT_PREFIX : prefix;
      if (!prefix.startsWith("/") || !prefix.endsWith("/") || prefix.length() < 2) {
        throw JsonInputException.of("prefix", "must start and end with /, e.g. /handover/shop/");
      }
      text(name, "name");
      if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")) {
        throw JsonInputException.of("name", "must be letters, digits, '.', '_', ':' or '-'");
      }
    }

    EtcdSettings settings(List<String> endpointsFromEnv) {
      List<String> chosen = endpointsFromEnv.isEmpty() ? endpoints : endpointsFromEnv;
      return new EtcdSettings(checkEndpoints("store.etcd.endpoints", chosen), prefix, name);
    }
  }

  /** Checks etcd client URLs. */
  static List<String> checkEndpoints(String field, List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw JsonInputException.of(field, "must list at least one etcd URL, e.g. http://127.0.0.1:2379");
    }
    for (int i = 0; i < endpoints.size(); i++) {
      String url = endpoints.get(i);
      if (url == null || !url.matches("https?://[^/\\s]+/?")) {
        throw JsonInputException.of(field + "[" + i + "]", "must be an etcd URL such as http://127.0.0.1:2379");
      }
    }
    return List.copyOf(endpoints);
  }

  /** {@code configService}: where the admin API listens and its limits. */
  record ConfigService(String bindAddress, Long port, Long maxBodyBytes, String token, String tokenFile, List<String> allowedHosts) {

    ConfigService {
      HandoverConfig d = HandoverConfig.defaults();
      bindAddress = bindAddress == null ? d.admin().bindAddress() : text(bindAddress, "bindAddress");
      port = Json.whole(port, "port", d.admin().port(), 0, 65535);
      maxBodyBytes = Json.whole(maxBodyBytes, "maxBodyBytes", d.adminSettings().maxBodyBytes(), 1, Integer.MAX_VALUE - 16);
      text(token, "token");
      if (token != null && text(tokenFile, "tokenFile") != null) {
        throw JsonInputException.of("tokenFile", "cannot be given together with token");
      }
      allowedHosts = allowedHosts == null ? List.of() : allowedHosts;
      for (int i = 0; i < allowedHosts.size(); i++) {
        text(allowedHosts.get(i) == null ? "" : allowedHosts.get(i), "allowedHosts[" + i + "]");
      }
    }

    HandoverConfig.Listener listener() {
      return new HandoverConfig.Listener(bindAddress, port.intValue());
    }

    AdminSettings settings(String token) {
      return new AdminSettings(maxBodyBytes, token, allowedHosts);
    }
  }

  /** How containers are run: the configured engine (else the environment's) and scope. */
  ContainerSettings containers() {
    ContainerSettings settings = dockerHost == null ? ContainerSettings.defaults() : ContainerSettings.of((EngineAddress) dockerHost);
    return containerScope == null ? settings : settings.withScope(containerScope);
  }

  /** {@code "unix:///run/podman/podman.sock"}, {@code "tcp://host:port"} or, as the original proxy had it, {@code {"ip":...,"port":...}}. */
  private static EngineAddress engine(Object raw) {
    if (raw instanceof EngineAddress a) {
      return a;
    }
    try {
      if (raw instanceof String s && !s.isBlank()) {
        return EngineAddress.parse(s);
      }
      if (raw instanceof java.util.Map<?, ?> m && m.get("ip") instanceof String ip && m.get("port") instanceof Number port
          && m.keySet().stream().allMatch(k -> k.equals("ip") || k.equals("port"))) {
        return EngineAddress.tcp(ip, port.intValue());
      }
    } catch (IllegalArgumentException e) {
      throw JsonInputException.of("dockerHost", e.getMessage());
    }
    throw JsonInputException.of("dockerHost", "must be \"unix:///path/to/socket\", \"tcp://host:port\" or {\"ip\":...,\"port\":...}");
  }

  private static String text(String value, String field) {
    if (value != null && value.isBlank()) {
      throw JsonInputException.of(field, "must be a non-empty string");
    }
    return value;
  }
}

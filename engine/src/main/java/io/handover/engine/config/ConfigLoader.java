package io.handover.engine.config;

import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.registry.ClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads the JSON config file. The original format loads unchanged:
 * {@code {"proxy":{"port":8080},"configService":{"port":9090},"cluster":{...}}}; every other key is
 * optional, an unknown key at any depth is an error. Relative paths in the file are resolved
 * against the file's folder.
 */
public final class ConfigLoader {

  private ConfigLoader() {}

  /** @throws ConfigException in one line naming the file and the key */
  public static HandoverConfig load(Path file) throws ConfigException {
    return load(file, System.getenv(), null);
  }

  /**
   * As {@link #load(Path)}; {@code etcdEndpoints} (the {@code --etcd-endpoints} flag, comma-separated,
   * or null) replaces the file's and the environment's etcd endpoints.
   */
  public static HandoverConfig load(Path file, String etcdEndpoints) throws ConfigException {
    return load(file, System.getenv(), etcdEndpoints);
  }

  static HandoverConfig load(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, null);
  }

  /** As {@link #load(Path)}, with {@code HANDOVER_TOKEN} and {@code HANDOVER_ETCD_ENDPOINTS} taken from {@code env}. */
  private static HandoverConfig load(Path file, Map<String, String> env, String etcdFlag) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
    try {
      ConfigFile read = Json.read(bytes, ConfigFile.class);
      if (read == null) {
        throw JsonInputException.whole("the input must hold a JSON object");
      }
      Path base = file.toAbsolutePath().getParent();
      List<String> endpoints = etcdFlag != null ? etcdEndpoints(etcdFlag, "--etcd-endpoints") : etcdEndpoints(env);
      return toConfig(read, base, token(read.configService(), base, env), endpoints);
    } catch (JsonInputException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /** The admin token: {@code token}, else the first line of {@code tokenFile}, else {@code HANDOVER_TOKEN}. */
  private static String token(ConfigFile.ConfigService admin, Path base, Map<String, String> env) throws ConfigException {
    if (admin.token() != null) {
      return admin.token();
    }
    if (admin.tokenFile() != null) {
      Path file = path(admin.tokenFile(), base);
      try {
        String token = Files.readString(file).strip();
        if (token.isEmpty() || token.contains("\n")) {
          throw new ConfigException("configService.tokenFile " + file + ": must hold the token on one line");
        }
        return token;
      } catch (IOException e) {
        throw new ConfigException("configService.tokenFile " + file + ": cannot be read: " + e.getMessage());
      }
    }
    String fromEnv = env.get("HANDOVER_TOKEN");
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
  }

  /** {@code HANDOVER_ETCD_ENDPOINTS}: comma-separated etcd URLs, or none. */
  private static List<String> etcdEndpoints(Map<String, String> env) {
    return etcdEndpoints(env.get("HANDOVER_ETCD_ENDPOINTS"), "HANDOVER_ETCD_ENDPOINTS");
  }

  /**
   * Comma-separated etcd URLs, as {@code HANDOVER_ETCD_ENDPOINTS} and {@code --etcd-endpoints} take them.
   *
   * @throws JsonInputException naming {@code field} when one is not an etcd URL
   */
  private static List<String> etcdEndpoints(String text, String field) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return ConfigFile.checkEndpoints(field, List.of(text.strip().split("\\s*,\\s*")));
  }

  /** The etcd store: {@code store.etcd}, its endpoints replaced by {@code fromEnv} when given; or only {@code fromEnv}. */
  private static EtcdSettings etcd(ConfigFile f, List<String> fromEnv) {
    if (f.store() != null) {
      return f.store().etcd().settings(fromEnv);
    }
    return fromEnv.isEmpty() ? null : new EtcdSettings(fromEnv, EtcdSettings.DEFAULT_PREFIX, null);
  }

  private static HandoverConfig toConfig(ConfigFile f, Path base, String token, List<String> etcdFromEnv) {
    long now = System.currentTimeMillis();
    List<ClusterConfig> clusters = new ArrayList<>();
    if (f.cluster() != null) {
      clusters.add(within("cluster", () -> f.cluster().toConfig(now)));
    }
    for (int i = 0; i < f.clusters().size(); i++) {
      ClusterJson.Wrapper w = f.clusters().get(i);
      clusters.add(within("clusters[" + i + "].cluster", () -> w.cluster().toConfig(now)));
    }
    return new HandoverConfig(f.proxy().listener(base), f.proxy().settings(), f.proxy().pool(), f.configService().listener(base),
        f.configService().settings(token), clusters, path(f.stateFile(), base), f.cookieSecret(), path(f.pluginsDir(), base),
        f.proxy().ioThreads().intValue(),
        f.containers(), etcd(f, etcdFromEnv), f.operations());
  }

  private static ClusterConfig within(String field, Supplier<ClusterConfig> build) {
    try {
      return build.get();
    } catch (JsonInputException e) {
      throw e.within(field);
    }
  }

  private static Path path(String text, Path base) {
    return text == null ? null : base.resolve(text).normalize();
  }
}

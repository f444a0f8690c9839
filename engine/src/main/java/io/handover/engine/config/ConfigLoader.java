package io.handover.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.json.Json;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.registry.ClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the JSON config file. The original format loads unchanged:
 * {@code {"proxy":{"port":8080},"configService":{"port":9090},"cluster":{...}}}; every other key is
 * optional. Relative paths in the file are resolved against the file's folder.
 */
public final class ConfigLoader {

  private static final Set<String> TOP = Set.of("proxy", "configService", "cluster", "clusters", "stateFile", "cookieSecret", "pluginsDir");

  private ConfigLoader() {}

  public static HandoverConfig load(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": malformed JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
    try {
      return parse(root, file.toAbsolutePath().getParent());
    } catch (JsonInputException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  static HandoverConfig parse(JsonNode root, Path base) {
    if (root == null || !root.isObject()) {
      throw JsonInputException.raw("", "the file must hold a JSON object");
    }
    root.fieldNames().forEachRemaining(name -> {
      if (!TOP.contains(name)) {
        throw JsonInputException.raw(name, "unknown key '" + name + "'; known keys: " + String.join(", ", new java.util.TreeSet<>(TOP)));
      }
    });
    HandoverConfig d = HandoverConfig.defaults();
    JsonNode proxy = object(root, "proxy");
    JsonNode admin = object(root, "configService");

    HandoverConfig.Listener proxyListener = new HandoverConfig.Listener(
        text(proxy, "proxy.bindAddress", d.proxy().bindAddress()), port(proxy, "proxy.port", d.proxy().port()));
    ProxySettings proxySettings = new ProxySettings(
        (int) number(proxy, "proxy.maxRequestTimeMillis", d.proxySettings().maxRequestTimeMillis(), 0, Integer.MAX_VALUE),
        number(proxy, "proxy.maxRequestBodyBytes", d.proxySettings().maxRequestBodyBytes(), -1, Long.MAX_VALUE),
        bool(proxy, "proxy.trustForwardedHeaders", d.proxySettings().trustForwardedHeaders()),
        (int) number(proxy, "proxy.firstByteTimeoutMillis", d.proxySettings().firstByteTimeoutMillis(), 1, Integer.MAX_VALUE),
        (int) number(proxy, "proxy.maxBufferedBodyBytes", d.proxySettings().maxBufferedBodyBytes(), 0, Integer.MAX_VALUE - 16),
        statuses(proxy, "proxy.failoverStatuses", d.proxySettings().failoverStatuses()));
    PoolSettings pool = new PoolSettings(
        (int) number(proxy, "proxy.connectionsPerThread", d.pool().connectionsPerThread(), 1, 100_000),
        (int) number(proxy, "proxy.maxQueueSize", d.pool().maxQueueSize(), 0, 1_000_000),
        (int) number(proxy, "proxy.problemServerRetrySeconds", d.pool().problemServerRetrySeconds(), 1, 3600),
        (int) number(proxy, "proxy.idleTimeoutMillis", d.pool().idleTtlMillis(), -1, Integer.MAX_VALUE),
        (int) number(proxy, "proxy.ejectAfterFailures", d.pool().ejectAfterFailures(), 1, 1_000_000),
        number(proxy, "proxy.baseEjectionMillis", d.pool().baseEjectionMillis(), 1, 3_600_000),
        number(proxy, "proxy.maxEjectionMillis", d.pool().maxEjectionMillis(), 1, 86_400_000));
    int ioThreads = (int) number(proxy, "proxy.ioThreads", d.ioThreads(), 1, 1024);

    HandoverConfig.Listener adminListener = new HandoverConfig.Listener(
        text(admin, "configService.bindAddress", d.admin().bindAddress()), port(admin, "configService.port", d.admin().port()));
    AdminSettings adminSettings = new AdminSettings(
        number(admin, "configService.maxBodyBytes", d.adminSettings().maxBodyBytes(), 1, Integer.MAX_VALUE - 16),
        text(admin, "configService.token", null));

    long now = System.currentTimeMillis();
    List<ClusterConfig> clusters = new ArrayList<>();
    if (root.hasNonNull("cluster")) {
      clusters.add(ClusterJson.parse(root.get("cluster"), "cluster", now));
    }
    if (root.hasNonNull("clusters")) {
      JsonNode list = root.get("clusters");
      if (!list.isArray()) {
        throw JsonInputException.raw("clusters", "clusters must be an array of {\"cluster\":{...}}");
      }
      for (int i = 0; i < list.size(); i++) {
        clusters.add(ClusterJson.parseWrapped(list.get(i), "clusters[" + i + "]", now));
      }
    }
    Path stateFile = path(root, "stateFile", base);
    Path pluginsDir = path(root, "pluginsDir", base);
    String secret = text(root, "cookieSecret", null);
    if (secret != null && secret.length() < 16) {
      throw JsonInputException.raw("cookieSecret", "cookieSecret must have at least 16 characters");
    }
    return new HandoverConfig(proxyListener, proxySettings, pool, adminListener, adminSettings, clusters, stateFile, secret, pluginsDir, ioThreads);
  }

  private static JsonNode object(JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw JsonInputException.raw(key, key + " must be an object");
    }
    return node;
  }

  private static String leaf(String field) {
    return field.substring(field.lastIndexOf('.') + 1);
  }

  private static int port(JsonNode parent, String field, int fallback) {
    return (int) number(parent, field, fallback, 0, 65535);
  }

  private static long number(JsonNode parent, String field, long fallback, long min, long max) {
    JsonNode node = parent.get(leaf(field));
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
      throw JsonInputException.raw(field, field + " must be a whole number from " + min + " to " + max);
    }
    return node.asLong();
  }

  private static Set<Integer> statuses(JsonNode parent, String field, Set<Integer> fallback) {
    JsonNode node = parent.get(leaf(field));
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isArray()) {
      throw JsonInputException.raw(field, field + " must be an array of status codes such as [502, 503, 504]");
    }
    Set<Integer> statuses = new java.util.TreeSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      if (!s.isIntegralNumber() || s.asInt() < 500 || s.asInt() > 599) {
        throw JsonInputException.raw(field + "[" + i + "]", field + "[" + i + "] must be a 5xx status code");
      }
      statuses.add(s.asInt());
    }
    return statuses;
  }

  private static boolean bool(JsonNode parent, String field, boolean fallback) {
    JsonNode node = parent.get(leaf(field));
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw JsonInputException.raw(field, field + " must be true or false");
    }
    return node.asBoolean();
  }

  private static String text(JsonNode parent, String field, String fallback) {
    JsonNode node = parent.get(leaf(field));
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw JsonInputException.raw(field, field + " must be a non-empty string");
    }
    return node.asText();
  }

  private static Path path(JsonNode root, String field, Path base) {
    String text = text(root, field, null);
    return text == null ? null : base.resolve(text).normalize();
  }
}

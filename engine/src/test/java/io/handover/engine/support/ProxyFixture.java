package io.handover.engine.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A running proxy on free loopback ports, with an HTTP client for both of its ports. */
public final class ProxyFixture implements AutoCloseable {

  private final Handover handover;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public ProxyFixture() throws IOException {
    this(HandoverConfig.ephemeral());
  }

  public ProxyFixture(HandoverConfig config) throws IOException {
    this.handover = Handover.start(config);
  }

  public Handover handover() {
    return handover;
  }

  public int proxyPort() {
    return handover.proxyAddress().getPort();
  }

  public int adminPort() {
    return handover.adminAddress().getPort();
  }

  public URI proxy(String path) {
    return URI.create("http://127.0.0.1:" + proxyPort() + path);
  }

  public URI admin(String path) {
    return URI.create("http://127.0.0.1:" + adminPort() + path);
  }

  public HttpClient client() {
    return client;
  }

  /** GETs a proxy path and returns the body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(proxy(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** PUTs a cluster to the admin API; returns the response. */
  public HttpResponse<String> putCluster(String json) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(admin("/configuration/cluster"))
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Adds a version served by the given backends and returns its id; fails unless 202. */
  public String addVersion(String version, String transition, TestBackend... backends) throws IOException, InterruptedException {
    return addVersion(version, transition, null, backends);
  }

  /**
   * Adds a version with more cluster fields (e.g. {@code "rollback":{...}}, without braces) and
   * returns its id; fails unless 202.
   */
  public String addVersion(String version, String transition, String fields, TestBackend... backends)
      throws IOException, InterruptedException {
    String[] servers = new String[backends.length];
    for (int i = 0; i < backends.length; i++) {
      servers[i] = backends[i].serverJson();
    }
    return addVersionOn(version, transition, fields, servers);
  }

  /**
   * Adds a version on servers given as JSON objects (e.g. {@link RawBackend#serverJson()}) and
   * returns its id; fails unless 202.
   */
  public String addVersionOn(String version, String transition, String fields, String... serverJsons)
      throws IOException, InterruptedException {
    String servers = String.join(",", serverJsons);
    String json = "{\"cluster\":{\"servers\":[" + servers + "],\"version\":\"" + version + "\""
        + (transition == null ? "" : ",\"upgradeTransition\":" + transition)
        + (fields == null ? "" : "," + fields) + "}}";
    HttpResponse<String> r = putCluster(json);
    if (r.statusCode() != 202) {
      throw new AssertionError("PUT failed: " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** The {@code GET /status} entry of the version with this id. */
  public JsonNode status(String id) throws IOException, InterruptedException {
    for (JsonNode v : new ObjectMapper().readTree(admin("GET", "/status").body()).get("versions")) {
      if (v.get("uuid").asText().equals(id)) {
        return v;
      }
    }
    throw new AssertionError("no status for " + id);
  }

  public HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(admin(path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    handover.close();
  }
}

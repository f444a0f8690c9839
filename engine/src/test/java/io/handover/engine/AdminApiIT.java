package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.config.AdminSettings;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withAdminSettings(new AdminSettings(64 * 1024, null)));
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private static String cluster(int port, String version, String transition) {
    return "{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":" + port + "}]"
        + (version == null ? "" : ",\"version\":" + version)
        + (transition == null ? "" : ",\"upgradeTransition\":" + transition) + "}}";
  }

  @Test
  void putReturns202AndTheIdAsText() throws Exception {
    HttpResponse<String> r = proxy.putCluster(cluster(1036, "\"1.1\"", "{\"mode\":\"INSTANT\"}"));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body()).matches("[0-9a-f-]{36}");
  }

  @Test
  void getReturnsTheClusterInTheOriginalFormat() throws Exception {
    String id = proxy.putCluster("{\"cluster\":{\"servers\":[{\"ip\":\"127.0.0.1\",\"port\":1036},{\"hostname\":\"127.0.0.1\",\"port\":1038}],"
        + "\"version\":\"1.1\",\"upgradeTransition\":{\"mode\":\"INSTANT\"}}}").body();
    HttpResponse<String> r = proxy.admin("GET", "/configuration/cluster/" + id);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":1036},"
        + "{\"hostname\":\"127.0.0.1\",\"port\":1038}],\"upgradeTransition\":{\"mode\":\"INSTANT\"},\"uuid\":\"" + id
        + "\",\"version\":\"1.1\"}}");
  }

  @Test
  void keepsAGivenUuidAndDefaultsVersionAndMode() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[{\"hostname\":\"localhost\",\"port\":1}],"
        + "\"uuid\":\"1dcbb083-257f-11e4-bcbc-600308a8245e\"}}");
    assertThat(r.body()).isEqualTo("1dcbb083-257f-11e4-bcbc-600308a8245e");
    JsonNode got = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + r.body()).body()).get("cluster");
    assertThat(got.get("version").asText()).isEqualTo("0.0");
    assertThat(got.get("upgradeTransition").get("mode").asText()).isEqualTo("INSTANT");
  }

  @Test
  void acceptsVersionAsJsonNumberKeepingItsDigits() throws Exception {
    String id = proxy.putCluster(cluster(1036, "1.10", null)).body();
    JsonNode got = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + id).body());
    assertThat(got.get("cluster").get("version").asText()).isEqualTo("1.10");
  }

  @Test
  void listsNewestFirstInNaturalVersionOrder() throws Exception {
    proxy.putCluster(cluster(1001, "\"1.9\"", null));
    proxy.putCluster(cluster(1002, "\"2.0\"", null));
    proxy.putCluster(cluster(1003, "\"1.10\"", null));
    proxy.putCluster(cluster(1004, "\"03\"", null));
    for (String path : List.of("/configuration/cluster", "/configuration/cluster/")) {
      HttpResponse<String> r = proxy.admin("GET", path);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      List<String> versions = StreamSupport.stream(JSON.readTree(r.body()).spliterator(), false)
          .map(n -> n.get("cluster").get("version").asText()).toList();
      assertThat(versions).containsExactly("03", "2.0", "1.10", "1.9");
    }
  }

  @Test
  void deleteReturns202WithEmptyBodyThenTheIdIsGone() throws Exception {
    String id = proxy.putCluster(cluster(1036, null, null)).body();
    HttpResponse<String> r = proxy.admin("DELETE", "/configuration/cluster/" + id);
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEmpty();
    assertThat(proxy.admin("GET", "/configuration/cluster/" + id).statusCode()).isEqualTo(404);
    assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownIdIs404WithJson() throws Exception {
    HttpResponse<String> r = proxy.admin("GET", "/configuration/cluster/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains("nope");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed JSON|{\"cluster\":|''",
      "no cluster|{}|cluster",
      "unknown key instead of cluster|{\"servers\":[]}|servers",
      "cluster not an object|{\"cluster\":[]}|cluster",
      "servers missing|{\"cluster\":{}}|cluster.servers",
      "servers empty|{\"cluster\":{\"servers\":[]}}|cluster.servers",
      "port too large|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":65536}]}}|cluster.servers[0].port",
      "port zero|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1},{\"hostname\":\"h\",\"port\":0}]}}|cluster.servers[1].port",
      "port text|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":\"http\"}]}}|cluster.servers[0].port",
      "host missing|{\"cluster\":{\"servers\":[{\"port\":1}]}}|cluster.servers[0].hostname",
      "unknown mode|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"upgradeTransition\":{\"mode\":\"NOPE\"}}}|cluster.upgradeTransition.mode",
      "mode not text|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"upgradeTransition\":{\"mode\":7}}}|cluster.upgradeTransition.mode",
      "version object|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"version\":{}}}|cluster.version",
      "bad uuid|{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"uuid\":\"a b\"}}|cluster.uuid",
  })
  void badBodiesGet400NamingTheField(String name, String body, String field) throws Exception {
    HttpResponse<String> r = proxy.putCluster(body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = JSON.readTree(r.body());
    assertThat(error.get("error").asText()).isNotBlank();
    if (field.isEmpty()) {
      assertThat(error.has("field")).isFalse();
    } else {
      assertThat(error.get("field").asText()).isEqualTo(field);
    }
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @Test
  void readsLargeBodiesWholeUpToTheLimit() throws Exception {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; servers.length() < 40_000; i++) {
      servers.append(i == 0 ? "" : ",").append("{\"hostname\":\"127.0.0.1\",\"port\":").append(1000 + i).append('}');
    }
    String body = "{\"cluster\":{\"servers\":[" + servers + "],\"version\":\"5\"}}";
    assertThat(body.length()).isGreaterThan(4096);
    HttpResponse<String> r = proxy.putCluster(body);
    assertThat(r.statusCode()).isEqualTo(202);
    JsonNode got = JSON.readTree(proxy.admin("GET", "/configuration/cluster/" + r.body()).body());
    assertThat(got.get("cluster").get("servers").size()).isEqualTo(servers.toString().split("},").length);
  }

  @Test
  void bodiesOverTheLimitGet413() throws Exception {
    String big = cluster(1, null, null).replace("}}", ",\"pad\":\"" + "x".repeat(70_000) + "\"}}");
    assertThat(proxy.putCluster(big).statusCode()).isEqualTo(413);
    // without Content-Length too
    try (RawHttpConnection c = new RawHttpConnection(proxy.adminPort())) {
      StringBuilder req = new StringBuilder("PUT /configuration/cluster HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.adminPort() + "\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 20; i++) {
        String chunk = "y".repeat(4000);
        req.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
      }
      req.append("0\r\n\r\n");
      c.send(req.toString());
      assertThat(c.read("PUT").status()).isEqualTo(413);
    }
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @Test
  void parallelPutsAndDeletesLeaveAConsistentRegistry() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Set<String> kept = ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 15; i++) {
            String id = proxy.putCluster(cluster(2000 + thread, "\"" + thread + "." + i + "\"", null)).body();
            if (i % 3 == 0) {
              assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id).statusCode()).isEqualTo(202);
            } else {
              kept.add(id);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    JsonNode list = JSON.readTree(proxy.admin("GET", "/configuration/cluster").body());
    Set<String> listed = StreamSupport.stream(list.spliterator(), false)
        .map(n -> n.get("cluster").get("uuid").asText()).collect(Collectors.toSet());
    assertThat(listed).isEqualTo(kept).hasSize(8 * 10);
    assertThat(proxy.handover().registry().snapshot().versions().all()).hasSize(80);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "POST, /configuration/cluster, 'GET, PUT'",
      "DELETE, /configuration/cluster, 'GET, PUT'",
      "PUT, /configuration/cluster/some-id, 'DELETE, GET'",
      "GET, /configuration/cluster/some-id/activate, POST",
      "DELETE, /status, GET",
  })
  void onlyDocumentedMethodsAreRoutedOthersGet405WithAllow(String method, String path, String allow) throws Exception {
    HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.admin(path))
        .method(method, HttpRequest.BodyPublishers.ofString(cluster(1036, null, null))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue(allow);
    assertThat(JSON.readTree(r.body()).get("error").asText()).contains(method);
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @Test
  void unknownPathsAre404() throws Exception {
    for (String path : List.of("/", "/configuration", "/configuration/cluster/a/b", "/configuration/cluster/a/promotion", "/statusx")) {
      HttpResponse<String> r = proxy.admin("GET", path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(JSON.readTree(r.body()).get("error").asText()).contains(path);
    }
  }

  @Test
  void listsTheStrategiesWithTheirSource() throws Exception {
    HttpResponse<String> r = proxy.admin("GET", "/configuration/strategies");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode strategies = JSON.readTree(r.body()).get("strategies");
    assertThat(strategies.findValuesAsText("name")).contains("INSTANT");
    assertThat(strategies.get(0).get("source").asText()).isNotBlank();
  }

  @Test
  void aConfiguredTokenIsRequired() throws Exception {
    try (ProxyFixture secured = new ProxyFixture(HandoverConfig.ephemeral().withAdminSettings(new AdminSettings(1024, "s3cret")))) {
      HttpResponse<String> denied = secured.admin("GET", "/configuration/cluster");
      assertThat(denied.statusCode()).isEqualTo(401);
      HttpResponse<String> allowed = secured.client().send(HttpRequest.newBuilder(secured.admin("/configuration/cluster"))
          .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(200);
    }
  }
}

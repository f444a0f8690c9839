package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.api.VersionState;
import io.handover.engine.config.EtcdSettings;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.PoolSettings;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.store.StoreRefusedException;
import io.handover.engine.support.EtcdServer;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three instances sharing one real etcd act as one proxy. */
class ScaleOutIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "the-shared-cookie-secret";
  /** How soon a change made on one instance must be acted on by the others. */
  private static final Duration PROPAGATION = Duration.ofSeconds(1);
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private EtcdServer etcd;
  private String prefix;
  private TestBackend v1;
  private TestBackend v2;
  private final List<ProxyFixture> instances = new ArrayList<>();

  @BeforeAll
  static void needsEtcd() {
    Assumptions.assumeTrue(EtcdServer.binary() != null, "skipped: no etcd binary on the PATH (apt-get install etcd-server)");
  }

  @BeforeEach
  void start() throws Exception {
    etcd = EtcdServer.start();
    prefix = "/handover/test-" + UUID.randomUUID() + "/";
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
    for (String name : List.of("a", "b", "c")) {
      instances.add(new ProxyFixture(config(name, SECRET)));
    }
  }

  private HandoverConfig config(String name, String secret) {
    // passive ejection would hide a failing version's 500s from the rollback window
    PoolSettings d = PoolSettings.DEFAULT;
    PoolSettings neverEject = new PoolSettings(d.connectionsPerThread(), d.maxQueueSize(), d.problemServerRetrySeconds(),
        d.idleTtlMillis(), 1_000_000, d.baseEjectionMillis(), d.maxEjectionMillis());
    return HandoverConfig.ephemeral().withCookieSecret(secret).withPool(neverEject)
        .withEtcd(new EtcdSettings(List.of(etcd.endpoint()), prefix, name));
  }

  @AfterEach
  void stop() throws Exception {
    instances.forEach(ProxyFixture::close);
    for (AutoCloseable c : new AutoCloseable[] {v1, v2, etcd}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private ProxyFixture a() {
    return instances.get(0);
  }

  private ProxyFixture b() {
    return instances.get(1);
  }

  private ProxyFixture c() {
    return instances.get(2);
  }

  private static Set<String> listed(ProxyFixture p) throws Exception {
    HttpResponse<String> r = p.admin("GET", "/configuration/cluster");
    assertThat(r.statusCode()).isEqualTo(200);
    Set<String> ids = new java.util.HashSet<>();
    for (JsonNode c : JSON.readTree(r.body())) {
      ids.add(c.get("cluster").get("uuid").asText());
    }
    return ids;
  }

  private static JsonNode store(ProxyFixture p) throws Exception {
    return JSON.readTree(p.admin("GET", "/status").body()).get("store");
  }

  private static VersionState state(ProxyFixture p, String id) {
    return p.handover().registry().snapshot().get(id).info().state();
  }

  @Test
  void aVersionAddedOnOneIsListedAndRoutedByTheOthers() throws Exception {
    String id = a().addVersion("1.0", null, v1);
    for (ProxyFixture other : List.of(b(), c())) {
      await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
        assertThat(listed(other)).contains(id);
        assertThat(other.get("/x").body()).startsWith("1.0 v1");
      });
    }
  }

  @Test
  void aVersionWhoseConfigDidNotChangeKeepsItsServersCountersAndHistory() throws Exception {
    String id1 = a().addVersion("1.0", null, v1);
    await().atMost(PATIENCE).until(() -> listed(b()).contains(id1));
    for (int i = 0; i < 5; i++) {
      assertThat(b().get("/").statusCode()).isEqualTo(200);
    }
    io.handover.engine.registry.LiveVersion before = b().handover().registry().snapshot().get(id1);
    String id2 = c().addVersion("2.0", null, v2);
    await().atMost(PATIENCE).until(() -> listed(b()).contains(id2));
    assertThat(b().handover().registry().snapshot().get(id1)).isSameAs(before);
    assertThat(b().status(id1).get("recent").get("requests").asInt()).isEqualTo(5);

    assertThat(c().admin("POST", "/configuration/cluster/" + id1 + "/rollback").statusCode()).isEqualTo(202);
    await().atMost(PATIENCE).until(() -> state(b(), id1) == VersionState.ROLLED_BACK);
    io.handover.engine.registry.LiveVersion after = b().handover().registry().snapshot().get(id1);
    assertThat(after.servers()).as("a state change keeps the pool").isSameAs(before.servers());
    assertThat(after.history().list()).last().satisfies(t -> assertThat(t.to()).isEqualTo("ROLLED_BACK"));
  }

  @Test
  void aDeleteOnOneIsSeenByTheOthers() throws Exception {
    String id1 = a().addVersion("1.0", null, v1);
    String id2 = a().addVersion("2.0", null, v2);
    await().atMost(PATIENCE).until(() -> listed(c()).containsAll(Set.of(id1, id2)));
    assertThat(c().admin("DELETE", "/configuration/cluster/" + id2).statusCode()).isEqualTo(202);
    await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
      assertThat(listed(a())).containsExactly(id1);
      assertThat(a().get("/").body()).startsWith("1.0 v1");
    });
  }

  @Test
  void aSessionCookieFromOneIsHonouredByTheOthers() throws Exception {
    String session = "{\"mode\":\"SESSION\",\"sessionTimeout\":60}";
    a().addVersion("1.0", session, v1);
    HttpResponse<String> first = a().get("/");
    assertThat(first.body()).startsWith("1.0");
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String id2 = a().addVersion("2.0", session, v2);
    for (ProxyFixture other : List.of(b(), c())) {
      await().atMost(PATIENCE).until(() -> listed(other).contains(id2));
      assertThat(other.get("/").body()).as("a new session moves").startsWith("2.0");
      HttpResponse<String> pinned = other.client().send(HttpRequest.newBuilder(other.proxy("/")).header("Cookie", cookie).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(pinned.body()).as("the session signed by a stays").startsWith("1.0");
    }
  }

  @Test
  void fiftyConcurrentAddsOverTheThreeAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<String>> puts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ProxyFixture on = instances.get(i % 3);
        String version = "1." + i;
        puts.add(pool.submit(() -> on.addVersion(version, null, v1)));
      }
      Set<String> ids = new java.util.HashSet<>();
      for (Future<String> put : puts) {
        ids.add(put.get());
      }
      assertThat(ids).hasSize(50);
      for (ProxyFixture p : instances) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(listed(p)).containsExactlyInAnyOrderElementsOf(ids));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aVersionFailingThroughOneIsRolledBackOnAll() throws Exception {
    v2.behave(exchange -> {
      exchange.setStatusCode(500);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("broken");
    });
    a().addVersion("1.0", null, v1);
    String id2 = a().addVersion("2.0", null, "\"rollback\":{\"windowSeconds\":5,\"minRequests\":10,\"maxFailureRate\":0.5}", v2);
    await().atMost(PATIENCE).until(() -> listed(b()).contains(id2) && listed(c()).contains(id2));
    for (int sent = 0; sent < 5000 && state(a(), id2) == VersionState.ACTIVE; sent++) {
      a().get("/");
    }
    assertThat(state(a(), id2)).isEqualTo(VersionState.ROLLED_BACK);
    for (ProxyFixture other : List.of(b(), c())) {
      await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(10)).until(() -> state(other, id2) == VersionState.ROLLED_BACK);
      assertThat(other.get("/").body()).startsWith("1.0 v1");
      assertThat(other.status(id2).get("stateReason").asText()).startsWith("instance a: ");
      assertThat(other.status(id2).get("recent").get("requests").asInt()).as("judged on a's traffic, not its own").isZero();
    }
  }

  @Test
  void withEtcdDownAllKeepServingAndChangesAnswer503ThenRecover() throws Exception {
    String id1 = a().addVersion("1.0", null, v1);
    await().atMost(PATIENCE).until(() -> listed(b()).contains(id1) && listed(c()).contains(id1));
    etcd.stop();
    int errors = 0;
    int served = 0;
    for (ProxyFixture p : instances) {
      while (store(p).get("reachable").asBoolean()) {
        served++;
        errors += p.get("/").statusCode() == 200 ? 0 : 1;
      }
      for (int i = 0; i < 20; i++, served++) {
        errors += p.get("/").statusCode() == 200 ? 0 : 1;
      }
      assertThat(store(p).get("unreachableSince").isTextual()).isTrue();
    }
    assertThat(errors).as("client errors in %d requests", served).isZero();
    HttpResponse<String> refused = b().putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"version\":\"2.0\"}}");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("etcd store", etcd.endpoint());
    assertThat(b().admin("DELETE", "/configuration/cluster/" + id1).statusCode()).isEqualTo(503);
    assertThat(listed(b())).containsExactly(id1);

    etcd.restart();
    for (ProxyFixture p : instances) {
      await().atMost(PATIENCE).until(() -> store(p).get("reachable").asBoolean());
    }
    String id2 = c().addVersion("2.0", null, v2);
    for (ProxyFixture p : List.of(a(), b())) {
      await().atMost(PATIENCE).untilAsserted(() -> assertThat(p.get("/").body()).startsWith("2.0 v2"));
      assertThat(listed(p)).containsExactlyInAnyOrder(id1, id2);
    }
  }

  @Test
  void aRollbackDecidedWhileEtcdIsDownActsAtOnceAndIsSavedOnReturn() throws Exception {
    v2.behave(exchange -> {
      exchange.setStatusCode(500);
      exchange.getResponseSender().send("broken");
    });
    a().addVersion("1.0", null, v1);
    String id2 = a().addVersion("2.0", null, "\"rollback\":{\"windowSeconds\":5,\"minRequests\":10,\"maxFailureRate\":0.5}", v2);
    await().atMost(PATIENCE).until(() -> listed(b()).contains(id2));
    etcd.stop();
    await().atMost(PATIENCE).until(() -> !store(a()).get("reachable").asBoolean());
    for (int sent = 0; sent < 5000 && state(a(), id2) == VersionState.ACTIVE; sent++) {
      a().get("/");
    }
    assertThat(state(a(), id2)).isEqualTo(VersionState.ROLLED_BACK);
    assertThat(state(b(), id2)).as("b cannot know yet").isEqualTo(VersionState.ACTIVE);
    etcd.restart();
    await().atMost(PATIENCE).until(() -> state(b(), id2) == VersionState.ROLLED_BACK && state(c(), id2) == VersionState.ROLLED_BACK);
    assertThat(state(a(), id2)).isEqualTo(VersionState.ROLLED_BACK);
    assertThat(b().status(id2).get("stateReason").asText()).startsWith("instance a: ");
  }

  @Test
  void anInstanceRestartedAfterMissingChangesComesUpWithThem() throws Exception {
    String id1 = a().addVersion("1.0", null, v1);
    await().atMost(PATIENCE).until(() -> listed(c()).contains(id1));
    instances.remove(2).close();
    String id2 = a().addVersion("2.0", null, v2);
    assertThat(b().admin("DELETE", "/configuration/cluster/" + id1).statusCode()).isEqualTo(202);
    ProxyFixture back = new ProxyFixture(config("c", SECRET).withClusters(List.<ClusterConfig>of()));
    instances.add(back);
    assertThat(listed(back)).containsExactly(id2);
    assertThat(back.get("/").body()).startsWith("2.0 v2");
  }

  @Test
  void statusListsTheLiveInstances() throws Exception {
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(names(a())).containsExactly("a", "b", "c"));
    JsonNode store = store(b());
    assertThat(store.get("kind").asText()).isEqualTo("etcd");
    assertThat(store.get("instance").asText()).isEqualTo("b");
    JsonNode first = store.get("instances").get(0);
    assertThat(first.get("proxy").asText()).isEqualTo("127.0.0.1:" + a().proxyPort());
    assertThat(first.get("admin").asText()).isEqualTo("127.0.0.1:" + a().adminPort());
    assertThat(first.has("startedAt")).isTrue();
    instances.remove(2).close();
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(names(a())).containsExactly("a", "b"));
  }

  private static List<String> names(ProxyFixture p) throws Exception {
    List<String> names = new ArrayList<>();
    store(p).get("instances").forEach(i -> names.add(i.get("name").asText()));
    return names;
  }

  @Test
  void anInstanceWithAnotherCookieSecretRefusesToStart() {
    assertThatThrownBy(() -> Handover.start(config("d", "another-secret-of-16+")))
        .isInstanceOf(StoreRefusedException.class)
        .hasMessageContaining("cookieSecret differs");
  }

  @Test
  void theEtcdKeysHoldNoSecret() throws Exception {
    a().addVersion("1.0", null, v1);
    String all = etcdDump();
    assertThat(all).contains("versions", "cookie-identity", "instances/a").doesNotContain(SECRET);
  }

  /** Every key and value under the prefix, as etcd's own HTTP gateway returns them (base64 decoded). */
  private String etcdDump() throws Exception {
    String range = java.util.Base64.getEncoder().encodeToString(prefix.getBytes());
    String end = java.util.Base64.getEncoder().encodeToString((prefix.substring(0, prefix.length() - 1) + "0").getBytes());
    HttpResponse<String> r = a().client().send(HttpRequest.newBuilder(java.net.URI.create(etcd.endpoint() + "/v3/kv/range"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + range + "\",\"range_end\":\"" + end + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    StringBuilder out = new StringBuilder();
    for (JsonNode kv : JSON.readTree(r.body()).get("kvs")) {
      out.append(new String(java.util.Base64.getDecoder().decode(kv.get("key").asText()))).append('=')
          .append(new String(java.util.Base64.getDecoder().decode(kv.get("value").asText()))).append('\n');
    }
    return out.toString();
  }
}

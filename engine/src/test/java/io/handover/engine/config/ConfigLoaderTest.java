package io.handover.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path write(String json) throws Exception {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void loadsTheOriginalFormatUnchanged() throws Exception {
    HandoverConfig c = ConfigLoader.load(write("""
        {"proxy":{"port":1234},"configService":{"port":1235},
         "cluster":{"servers":[{"hostname":"127.0.0.1","port":1034},{"ip":"127.0.0.1","port":1035}],
                    "version":1.1,"upgradeTransition":{"mode":"INSTANT"}}}
        """));
    assertThat(c.proxy().port()).isEqualTo(1234);
    assertThat(c.proxy().bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.admin().port()).isEqualTo(1235);
    assertThat(c.admin().bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.clusters()).hasSize(1);
    assertThat(c.clusters().get(0).servers()).hasSize(2);
    assertThat(c.clusters().get(0).version().label()).isEqualTo("1.1");
    assertThat(c.stateFile()).isNull();
  }

  @Test
  void readsTheOptionalKeysAndResolvesPathsAgainstTheFile() throws Exception {
    HandoverConfig c = ConfigLoader.load(write("""
        {"proxy":{"port":0,"bindAddress":"127.0.0.1","ioThreads":3,"maxRequestTimeMillis":1500,
                  "trustForwardedHeaders":true,"connectionsPerThread":8,"maxConnections":500,"maxConnectionsPerClient":16},
         "configService":{"port":0,"maxBodyBytes":2048,"token":"t0ken"},
         "clusters":[{"cluster":{"servers":[{"hostname":"a","port":1}],"version":"1"}},
                     {"cluster":{"servers":[{"hostname":"b","port":2}],"version":"2"}}],
         "stateFile":"state/clusters.json","pluginsDir":"plugins","cookieSecret":"0123456789abcdef"}
        """));
    assertThat(c.ioThreads()).isEqualTo(3);
    assertThat(c.proxySettings().maxRequestTimeMillis()).isEqualTo(1500);
    assertThat(c.proxySettings().trustForwardedHeaders()).isTrue();
    assertThat(c.pool().connectionsPerThread()).isEqualTo(8);
    assertThat(c.proxySettings().limits().maxConnections()).isEqualTo(500);
    assertThat(c.proxySettings().limits().maxConnectionsPerClient()).isEqualTo(16);
    assertThat(ConfigLoader.load(write("{}")).proxySettings().limits().maxConnectionsPerClient()).as("off by default").isZero();
    assertThat(c.adminSettings().maxBodyBytes()).isEqualTo(2048);
    assertThat(c.adminSettings().token()).isEqualTo("t0ken");
    assertThat(c.clusters()).hasSize(2);
    assertThat(c.stateFile()).isEqualTo(dir.resolve("state/clusters.json"));
    assertThat(c.pluginsDir()).isEqualTo(dir.resolve("plugins"));
    assertThat(c.cookieSecret()).isEqualTo("0123456789abcdef");
  }

  @Test
  void theTokenComesFromTheFileTheTokenFileOrTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("HANDOVER_TOKEN", "from-env");
    assertThat(ConfigLoader.load(write("{}"), env).adminSettings().token()).isEqualTo("from-env");
    assertThat(ConfigLoader.load(write("{}"), Map.of()).adminSettings().token()).isNull();
    assertThat(ConfigLoader.load(write("{\"configService\":{\"token\":\"in-file\"}}"), env).adminSettings().token()).isEqualTo("in-file");
    Files.writeString(dir.resolve("t"), "from-token-file\n");
    assertThat(ConfigLoader.load(write("{\"configService\":{\"tokenFile\":\"t\"}}"), env).adminSettings().token())
        .isEqualTo("from-token-file");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"configService\":{\"tokenFile\":\"missing\"}}"), env))
        .hasMessageContaining("configService.tokenFile " + dir.resolve("missing") + ": cannot be read");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"configService\":{\"token\":\"a\",\"tokenFile\":\"t\"}}"), env))
        .hasMessageContaining("configService.tokenFile cannot be given together with token");
    assertThat(ConfigLoader.load(write("{\"configService\":{\"allowedHosts\":[\"admin.internal\"]}}"), env).adminSettings().allowedHosts())
        .containsExactly("admin.internal");
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void malformedJsonSaysWhere() throws Exception {
    Path file = write("{\"proxy\":{\"port\":8080,}");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": malformed JSON at line 1");
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"proxy\":{\"port\":70000}}")))
        .hasMessageContaining("proxy.port must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"proxy\":{\"maxConnectionsPerClient\":-1}}")))
        .hasMessageContaining("proxy.maxConnectionsPerClient must be a whole number from 0 to");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":0}]}}")))
        .hasMessageContaining("cluster.servers[0].port");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"proxi\":{}}")))
        .hasMessageContaining("proxi: unknown key; known: accessLog, cluster, clusters, configService, containerScope, cookieSecret, dockerHost, metrics, pluginsDir, proxy, shutdownGraceMillis, stateFile, store");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"cookieSecret\":\"short\"}")))
        .hasMessageContaining("cookieSecret must have at least 16 characters");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"configService\":{\"tokn\":\"x\"}}")))
        .hasMessageEndingWith("config.json: configService.tokn: unknown key; known: allowedHosts, bindAddress, maxBodyBytes, port, token, tokenFile");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"clusters\":[{\"cluster\":{\"servers\":[{\"hostname\":\"h\",\"port\":1}],\"rollback\":{\"windowSecs\":1}}}]}")))
        .hasMessageContaining("clusters[0].cluster.rollback.windowSecs: unknown key; known: confidence, countMismatches, enabled");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"proxy\":{\"ioThreads\":1e999999999}}")))
        .hasMessageContaining("proxy.ioThreads must be a whole number");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"proxy\":{\"maxQueueSize\":" + "9".repeat(500) + "}}")))
        .hasMessageContaining("proxy.maxQueueSize is too large");
    assertThatThrownBy(() -> ConfigLoader.load(write("[]")))
        .hasMessageContaining("must hold a JSON object");
  }

  @Test
  void theEtcdStoreComesFromTheFileOrTheEnvironment() throws Exception {
    HandoverConfig c = ConfigLoader.load(write("""
        {"store":{"etcd":{"endpoints":["http://10.0.0.1:2379","https://10.0.0.2:2379"],"prefix":"/handover/shop/","name":"shop-1"}}}
        """), Map.of());
    assertThat(c.etcd()).isEqualTo(new EtcdSettings(List.of("http://10.0.0.1:2379", "https://10.0.0.2:2379"), "/handover/shop/", "shop-1"));
    assertThat(c.stateFile()).isNull();
    assertThat(ConfigLoader.load(write("{}"), Map.of()).etcd()).as("the state file (or none) stays the default").isNull();

    Map<String, String> env = Map.of("HANDOVER_ETCD_ENDPOINTS", "http://e1:2379, http://e2:2379");
    assertThat(ConfigLoader.load(write("{}"), env).etcd())
        .isEqualTo(new EtcdSettings(List.of("http://e1:2379", "http://e2:2379"), "/handover/", null));
    assertThat(ConfigLoader.load(write("{\"store\":{\"etcd\":{\"prefix\":\"/p/\"}}}"), env).etcd())
        .as("the environment's endpoints, the file's prefix")
        .isEqualTo(new EtcdSettings(List.of("http://e1:2379", "http://e2:2379"), "/p/", null));
  }

  @Test
  void badEtcdSettingsNameTheKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"store\":{}}"), Map.of()))
        .hasMessageContaining("store.etcd is required");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"store\":{\"etcd\":{}}}"), Map.of()))
        .hasMessageContaining("store.etcd.endpoints must list at least one etcd URL");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"store\":{\"etcd\":{\"endpoints\":[\"10.0.0.1:2379\"]}}}"), Map.of()))
        .hasMessageContaining("store.etcd.endpoints[0] must be an etcd URL");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"store\":{\"etcd\":{\"endpoints\":[\"http://e:2379\"],\"prefix\":\"shop\"}}}"), Map.of()))
        .hasMessageContaining("store.etcd.prefix must start and end with /");
    assertThatThrownBy(() -> ConfigLoader.load(write("{\"store\":{\"etcd\":{\"endpoint\":[]}}}"), Map.of()))
        .hasMessageContaining("store.etcd.endpoint: unknown key; known: endpoints, name, prefix");
    assertThatThrownBy(() -> ConfigLoader.load(write("{}"), Map.of("HANDOVER_ETCD_ENDPOINTS", "e1:2379")))
        .hasMessageContaining("HANDOVER_ETCD_ENDPOINTS[0] must be an etcd URL");
  }
}

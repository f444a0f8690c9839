package io.handover.engine.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginFolderIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path plugins() {
    return dir.resolve("plugins");
  }

  private ProxyFixture start() throws Exception {
    return new ProxyFixture(HandoverConfig.ephemeral().withPluginsDir(plugins()));
  }

  @Test
  void loadsAJarAndAFolderAndRoutesByTheDarkLaunchHeader() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    PluginTestJars.visibilityProbe(plugins().resolve("probe"));
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = start();
        RawHttpConnection connection = new RawHttpConnection(proxy.proxyPort())) {
      assertThat(proxy.handover().plugins().strategies().get("DARK_LAUNCH").source()).isEqualTo("dark-launch.jar");
      assertThat(proxy.handover().plugins().strategies().get("PROBE").source()).isEqualTo("x.jar");

      proxy.addVersion("1.0", "{\"mode\":\"INSTANT\"}", v1);
      proxy.addVersion("2.0", "{\"mode\":\"DARK_LAUNCH\",\"header\":\"X-Beta\"}", v2);

      assertThat(connection.get("/a", "X-Beta: yes").text()).isEqualTo("2.0 v2 GET /a");
      assertThat(connection.get("/b").text()).isEqualTo("1.0 v1 GET /b");
      assertThat(connection.get("/c", "x-beta: anything").text()).isEqualTo("2.0 v2 GET /c");
      assertThat(connection.get("/d", "X-Dark-Launch: yes").text()).isEqualTo("1.0 v1 GET /d");
    }
  }

  @Test
  void darkLaunchMatchesAConfiguredValueOrCookieAndFallsBackToTheOnlyVersion() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = start();
        RawHttpConnection connection = new RawHttpConnection(proxy.proxyPort())) {
      String id1 = proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"DARK_LAUNCH\",\"header\":\"X-Beta\",\"value\":\"on\",\"cookie\":\"beta\"}", v2);

      assertThat(connection.get("/a", "X-Beta: on").text()).isEqualTo("2.0 v2 GET /a");
      assertThat(connection.get("/b", "X-Beta: off").text()).isEqualTo("1.0 v1 GET /b");
      assertThat(connection.get("/c", "Cookie: theme=dark; beta=1").text()).isEqualTo("2.0 v2 GET /c");
      assertThat(connection.get("/d", "Cookie: theme=dark").text()).isEqualTo("1.0 v1 GET /d");

      JsonNode status = JSON.readTree(proxy.admin("GET", "/status").body()).get("versions").get(0).get("strategy");
      assertThat(status.get("header").asText()).isEqualTo("X-Beta");
      assertThat(status.get("cookie").asText()).isEqualTo("beta");

      assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id1).statusCode()).isEqualTo(202);
      assertThat(connection.get("/e").text()).isEqualTo("2.0 v2 GET /e");
    }
  }

  @Test
  void listsPluginStrategiesWithTheirJar() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    PluginTestJars.visibilityProbe(plugins().resolve("probe"));
    try (ProxyFixture proxy = start()) {
      HttpResponse<String> r = proxy.admin("GET", "/configuration/strategies");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode root = JSON.readTree(r.body());
      Map<String, JsonNode> byName = new TreeMap<>();
      root.get("strategies").forEach(s -> byName.put(s.get("name").asText(), s));
      assertThat(byName).containsKeys("INSTANT", "DARK_LAUNCH", "PROBE");
      assertThat(byName.get("DARK_LAUNCH").get("source").asText()).isEqualTo("dark-launch.jar");
      assertThat(byName.get("DARK_LAUNCH").get("description").asText()).contains("header or cookie");
      assertThat(byName.get("PROBE").get("source").asText()).isEqualTo("x.jar");
      assertThat(root.get("problems").isArray()).isTrue();
      assertThat(root.get("problems")).isEmpty();
    }
  }

  @Test
  void brokenJarsAreReportedByFileNameAndCauseWhileTheOthersLoad() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    PluginTestJars.missingProvider(plugins().resolve("missing-class.jar"), "example.broken.MissingFactory");
    PluginTestJars.throwingProvider(plugins().resolve("throwing.jar"), "licence key not found");
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = start();
        RawHttpConnection connection = new RawHttpConnection(proxy.proxyPort())) {
      List<String> problems = proxy.handover().plugins().problems();
      assertThat(problems).hasSize(2);
      assertThat(problems).anySatisfy(p -> assertThat(p).contains("missing-class.jar").contains("example.broken.MissingFactory not found"));
      assertThat(problems).anySatisfy(p -> assertThat(p).contains("throwing.jar").contains("licence key not found"));
      assertThat(proxy.handover().plugins().strategies()).doesNotContainKey("THROWING");

      JsonNode listed = JSON.readTree(proxy.admin("GET", "/configuration/strategies").body()).get("problems");
      assertThat(List.of(listed.get(0).asText(), listed.get(1).asText())).containsExactlyInAnyOrderElementsOf(problems);

      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"DARK_LAUNCH\"}", v2);
      assertThat(connection.get("/a", "X-Dark-Launch: 1").text()).isEqualTo("2.0 v2 GET /a");
      assertThat(connection.get("/b").text()).isEqualTo("1.0 v1 GET /b");
    }
  }

  @Test
  void classesForANewerJavaAMissingDependencyAndACorruptJarAreReportedWhileTheOthersLoad() throws Exception {
    PluginTestJars.strategy(plugins().resolve("good.jar"), "example.good.GoodFactory", "GOOD");
    PluginTestJars.newerClassVersion(plugins().resolve("newer-java.jar"), "example.newer.NewerFactory", "NEWER", 99);
    PluginTestJars.missingDependency(plugins().resolve("needs-lib.jar"));
    PluginTestJars.corrupt(plugins().resolve("corrupt.jar"));
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = start()) {
      assertThat(proxy.handover().plugins().strategies()).containsKey("GOOD").doesNotContainKeys("NEWER", "NEEDS_LIB");
      List<String> problems = proxy.handover().plugins().problems();
      assertThat(problems).hasSize(3);
      assertThat(problems).anySatisfy(p -> assertThat(p).contains("newer-java.jar").contains("example.newer.NewerFactory")
          .contains("UnsupportedClassVersionError"));
      assertThat(problems).anySatisfy(p -> assertThat(p).contains("needs-lib.jar").contains("example.nodep.NeedsLibFactory")
          .contains("NoClassDefFoundError").contains("example/lib/Base"));
      assertThat(problems).anySatisfy(p -> assertThat(p).contains("corrupt.jar").contains("not a readable JAR"));
      assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
      JsonNode listed = JSON.readTree(proxy.admin("GET", "/configuration/strategies").body()).get("problems");
      List<String> listedProblems = new ArrayList<>();
      listed.forEach(n -> listedProblems.add(n.asText()));
      assertThat(listedProblems).containsExactlyInAnyOrderElementsOf(problems);
      // start-up went on: the proxy serves with the plugin that loaded
      proxy.addVersion("1.0", "{\"mode\":\"GOOD\"}", v1);
      assertThat(proxy.get("/a").body()).isEqualTo("1.0 v1 GET /a");
    }
  }

  @Test
  void twoJarsClaimingOneModeStopTheStartNamingBoth() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    PluginTestJars.strategy(plugins().resolve("impostor").resolve("impostor.jar"), "example.clash.ClashFactory", "dark_launch");
    HandoverConfig config = HandoverConfig.ephemeral().withPluginsDir(plugins());
    assertThatThrownBy(() -> Handover.start(config).close())
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("DARK_LAUNCH")
        .hasMessageContaining("dark-launch.jar")
        .hasMessageContaining("impostor.jar");
  }

  @Test
  void aPluginSeesTheApiButNotTheEngineNorItsLibraries() throws Exception {
    PluginTestJars.visibilityProbe(plugins().resolve("probe"));
    try (TestBackend v1 = new TestBackend("v1", "1.0"); ProxyFixture proxy = start()) {
      assertThat(proxy.handover().plugins().strategies().get("PROBE").description())
          .isEqualTo("undertow-hidden jackson-hidden engine-hidden api-visible");

      proxy.addVersion("1.0", "{\"mode\":\"PROBE\"}", v1);
      assertThat(proxy.get("/a").body()).isEqualTo("1.0 v1 GET /a");
      JsonNode status = JSON.readTree(proxy.admin("GET", "/status").body()).get("versions").get(0).get("strategy");
      assertThat(status.get("contextLoaderWasPlugin").asBoolean()).isTrue();
    }
  }

  @Test
  void aSettingThePluginRejectsIsA400NamingTheField() throws Exception {
    PluginTestJars.darkLaunch(plugins().resolve("dark-launch.jar"));
    try (ProxyFixture proxy = start()) {
      JsonNode unknown = rejected(proxy, "{\"mode\":\"DARK_LAUNCH\",\"header\":\"X-Beta\",\"colour\":\"blue\"}");
      assertThat(unknown.get("field").asText()).isEqualTo("cluster.upgradeTransition.colour");
      assertThat(unknown.get("error").asText()).contains("not a setting of DARK_LAUNCH");

      JsonNode badHeader = rejected(proxy, "{\"mode\":\"DARK_LAUNCH\",\"header\":\"X Beta\"}");
      assertThat(badHeader.get("field").asText()).isEqualTo("cluster.upgradeTransition.header");

      JsonNode emptyCookie = rejected(proxy, "{\"mode\":\"dark_launch\",\"cookie\":\"\"}");
      assertThat(emptyCookie.get("field").asText()).isEqualTo("cluster.upgradeTransition.cookie");

      assertThat(proxy.handover().registry().list()).isEmpty();
    }
  }

  private static JsonNode rejected(ProxyFixture proxy, String transition) throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":1}],"
        + "\"version\":\"2.0\",\"upgradeTransition\":" + transition + "}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    return JSON.readTree(r.body());
  }
}

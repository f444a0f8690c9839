package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.VersionState;
import io.handover.engine.config.AdminSettings;
import io.handover.engine.config.ConfigLoader;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminSecurityIT {

  private static final String BODY = "{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":1036}],\"version\":\"9\"}}";

  @TempDir
  Path dir;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withAdminSettings(new AdminSettings(64 * 1024, null, List.of("admin.internal"))));
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  /** A raw request, so that Host and Origin are exactly what a browser or a rebinding attack would send. */
  private RawHttpConnection.Response raw(String method, String path, String host, String body, String... headers) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.adminPort())) {
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      req.append("Content-Length: ").append(bytes.length).append("\r\n\r\n").append(body);
      c.send(req.toString());
      return c.read(method);
    }
  }

  private String own() {
    return "127.0.0.1:" + proxy.adminPort();
  }

  @Test
  void aCrossOriginTextPlainFormPutChangesNothing() throws Exception {
    RawHttpConnection.Response r = raw("PUT", "/configuration/cluster", own(), BODY,
        "Content-Type: text/plain", "Origin: http://evil.example");
    assertThat(r.status()).isEqualTo(403);
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @Test
  void aCrossOriginFormPostChangesNothing() throws Exception {
    String id = proxy.putCluster(BODY).body();
    RawHttpConnection.Response r = raw("POST", "/configuration/cluster/" + id + "/rollback", own(), "x=1",
        "Content-Type: application/x-www-form-urlencoded", "Origin: http://localhost:3000", "Sec-Fetch-Site: same-site");
    assertThat(r.status()).isEqualTo(403);
    assertThat(proxy.handover().registry().find(id).orElseThrow().rollout().state()).isEqualTo(VersionState.ACTIVE);
  }

  @Test
  void crossSiteFetchMetadataIsRefused() throws Exception {
    RawHttpConnection.Response r = raw("PUT", "/configuration/cluster", own(), BODY, "Sec-Fetch-Site: cross-site");
    assertThat(r.status()).isEqualTo(403);
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example", "evil.example:%d", "localhost", "localhost:1", "127.0.0.1", "admin.internal:1"})
  void aForeignHostChangesNothing(String host) throws Exception {
    RawHttpConnection.Response r = raw("PUT", "/configuration/cluster", host.formatted(proxy.adminPort()), BODY);
    assertThat(r.status()).isEqualTo(403);
    assertThat(raw("DELETE", "/configuration/cluster/x", host.formatted(proxy.adminPort()), "").status()).isEqualTo(403);
    assertThat(proxy.handover().registry().list()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:%d", "localhost:%d", "LOCALHOST:%d", "[::1]:%d", "admin.internal", "admin.internal:%d"})
  void theAdminsOwnNamesAndAShellsFormPutWork(String host) throws Exception {
    // what `curl -X PUT -d '{...}'` sends: a form content type, no Origin
    RawHttpConnection.Response r = raw("PUT", "/configuration/cluster", host.formatted(proxy.adminPort()), BODY,
        "Content-Type: application/x-www-form-urlencoded", "User-Agent: curl/8.5.0", "Accept: */*");
    assertThat(r.status()).as(r.text()).isEqualTo(202);
    assertThat(proxy.handover().registry().list()).hasSize(1);
  }

  @Test
  void aSameOriginRequestWorks() throws Exception {
    RawHttpConnection.Response r = raw("PUT", "/configuration/cluster", own(), BODY,
        "Origin: http://" + own(), "Sec-Fetch-Site: same-origin");
    assertThat(r.status()).isEqualTo(202);
  }

  @Test
  void aTokenFromATokenFileIsRequiredAndNeverShown() throws Exception {
    Files.writeString(dir.resolve("admin.token"), "f1le-t0ken\n");
    Path config = Files.writeString(dir.resolve("config.json"),
        "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},\"configService\":{\"port\":0,\"tokenFile\":\"admin.token\"}}");
    HandoverConfig loaded = ConfigLoader.load(config);
    assertThat(loaded.adminSettings().token()).isEqualTo("f1le-t0ken");
    assertThat(loaded.adminSettings().toString()).doesNotContain("f1le-t0ken");
    try (ProxyFixture secured = new ProxyFixture(loaded)) {
      HttpResponse<String> denied = secured.client().send(HttpRequest.newBuilder(secured.admin("/configuration/cluster"))
          .header("Authorization", "Bearer wrong").PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(denied.body()).doesNotContain("f1le-t0ken").doesNotContain("wrong");
      assertThat(secured.handover().registry().list()).isEmpty();
      HttpResponse<String> allowed = secured.client().send(HttpRequest.newBuilder(secured.admin("/configuration/cluster"))
          .header("Authorization", "Bearer f1le-t0ken").PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(202);
      assertThat(secured.handover().registry().list()).hasSize(1);
    }
  }
}

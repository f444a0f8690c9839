package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionModeIT {

  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;
  private String id2;

  @BeforeEach
  void start() throws Exception {
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withCookieSecret("a-shared-secret-of-16+"));
    proxy.addVersion("1.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private HttpClient browser() {
    return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
  }

  private String get(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private void upgrade(int sessionTimeout) throws Exception {
    id2 = proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":" + sessionTimeout + "}", v2);
  }

  @Test
  void oldSessionsStayNewSessionsMove() throws Exception {
    HttpClient early = browser();
    assertThat(get(early)).startsWith("1.0");
    upgrade(60);
    HttpClient late = browser();
    for (int i = 0; i < 5; i++) {
      assertThat(get(early)).startsWith("1.0");
      assertThat(get(late)).startsWith("2.0");
    }
  }

  @Test
  void setsASignedSlidingCookieOnEveryResponse() throws Exception {
    upgrade(60);
    HttpResponse<String> r = proxy.get("/");
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("dynsoftup=").contains("Max-Age=60", "Path=/", "HttpOnly", "SameSite=Lax");
    assertThat(cookie).contains(id2);
  }

  @Test
  void anIdleClientMovesAfterTheTimeout() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      RawHttpConnection.Response first = c.get("/");
      String session = first.header("Set-Cookie").split(";")[0];
      upgrade(1);
      RawHttpConnection.Response second = c.get("/", "Cookie: " + session);
      assertThat(second.text()).startsWith("1.0");
      session = second.header("Set-Cookie").split(";")[0]; // the expiry slides to the new timeout
      assertThat(second.header("Set-Cookie")).contains("Max-Age=1");
      Thread.sleep(2_200); // the session must go idle: no request may come meanwhile, so nothing to poll
      assertThat(c.get("/", "Cookie: " + session).text()).startsWith("2.0");
    }
  }

  @Test
  void forgedAndStaleCookiesAreIgnored() throws Exception {
    String id1 = proxy.handover().registry().list().get(0).id();
    upgrade(60);
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      long future = System.currentTimeMillis() / 1000 + 3600;
      RawHttpConnection.Response forged = c.get("/", "Cookie: dynsoftup=" + id1 + ":" + future + ".AAAAAAAAAAAAAAAAAAAAAA");
      assertThat(forged.status()).isEqualTo(200);
      assertThat(forged.text()).startsWith("2.0");
      assertThat(c.get("/", "Cookie: dynsoftup=garbage").text()).startsWith("2.0");
    }
    // a real cookie for a version that is then deleted
    HttpClient client = browser();
    assertThat(get(client)).startsWith("2.0");
    assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id2).statusCode()).isEqualTo(202);
    HttpResponse<String> after = client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).startsWith("1.0");
  }

  @Test
  void instancesSharingTheKeyHonourEachOthersCookies() throws Exception {
    String id1 = proxy.handover().registry().list().get(0).id();
    String cookie;
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      cookie = c.get("/").header("Set-Cookie").split(";")[0]; // a session on 1.0 at this instance
    }
    try (ProxyFixture other = new ProxyFixture(HandoverConfig.ephemeral().withCookieSecret("a-shared-secret-of-16+"));
        RawHttpConnection c = new RawHttpConnection(other.proxyPort())) {
      other.putCluster("{\"cluster\":{\"uuid\":\"" + id1 + "\",\"servers\":[" + v1.serverJson() + "],\"version\":\"1.0\","
          + "\"upgradeTransition\":{\"mode\":\"SESSION\",\"sessionTimeout\":60}}}");
      other.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v2);
      assertThat(c.get("/", "Cookie: " + cookie).text()).startsWith("1.0");
      assertThat(c.get("/").text()).startsWith("2.0");
    }
  }

  @Test
  void sessionWithoutTimeoutIsRejectedNamingTheField() throws Exception {
    HttpResponse<String> r = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson() + "],\"upgradeTransition\":{\"mode\":\"SESSION\"}}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"field\":\"cluster.upgradeTransition.sessionTimeout\"");
    HttpResponse<String> zero = proxy.putCluster("{\"cluster\":{\"servers\":[" + v2.serverJson()
        + "],\"upgradeTransition\":{\"mode\":\"SESSION\",\"sessionTimeout\":0}}}");
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(zero.body()).contains("\"field\":\"cluster.upgradeTransition.sessionTimeout\"");
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.handover.engine.support.TestCertificates;
import io.handover.engine.tls.CertificateSource;
import io.handover.engine.tls.ListenerTls;
import io.undertow.util.Headers;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 clients (ALPN h2 over TLS, and h2c on the plain port) get what HTTP/1.1 clients get, mode by mode. */
class Http2IT {

  @TempDir
  Path dir;
  private TestCertificates.Issued ca;
  private TestBackend v1;
  private TestBackend v2;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.ca("Test CA");
    Path[] files = TestCertificates.server(ca, "localhost").writePem(dir, "site");
    v1 = new TestBackend("v1", "1.0");
    v2 = new TestBackend("v2", "2.0");
    HandoverConfig c = HandoverConfig.ephemeral().withCookieSecret("a-shared-secret-of-16+");
    c = c.withListeners(c.proxy().withH2c(true).withTls(new ListenerTls(0, List.of(CertificateSource.pem(files[0], files[1])))),
        c.admin());
    proxy = new ProxyFixture(c);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  private HttpClient h2(boolean cookies) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ca.trustingIssuer())
        .connectTimeout(Duration.ofSeconds(5));
    if (cookies) {
      b.cookieHandler(new CookieManager());
    }
    return b.build();
  }

  private URI https(String path) {
    return URI.create("https://127.0.0.1:" + proxy.handover().proxyTlsAddress().getPort() + path);
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(https(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    return r;
  }

  @Test
  void instantMovesEveryoneAndBodiesPassWholeBothWays() throws Exception {
    proxy.addVersion("1.0", null, v1);
    HttpClient client = h2(false);
    assertThat(get(client, "/").body()).startsWith("1.0");
    proxy.addVersion("2.0", null, v2);
    assertThat(get(client, "/").body()).startsWith("2.0");

    // 5 MB down, 3 MB up (past maxBufferedBodyBytes, so streamed), byte for byte
    HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(https("/download?bytes=5000000")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(down.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(down.body()).isEqualTo(Bytes.random(5_000_000));
    byte[] upload = Bytes.random(3_000_000);
    HttpResponse<String> up = client.send(HttpRequest.newBuilder(https("/digest"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(up.body()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload)) + " 3000000");
    // a body of unknown length (no content-length on the HTTP/2 stream)
    HttpResponse<String> echo = client.send(HttpRequest.newBuilder(https("/echo"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream("streamed body".getBytes()))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(echo.body()).isEqualTo("streamed body");
    // and one too large to hold, which goes on chunked to the HTTP/1.1 server
    HttpResponse<String> open = client.send(HttpRequest.newBuilder(https("/digest"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(upload))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(open.body()).isEqualTo(up.body());
  }

  @Test
  void sessionKeepsOldSessionsAndMovesNewOnes() throws Exception {
    proxy.addVersion("1.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v1);
    HttpClient early = h2(true);
    assertThat(get(early, "/").body()).startsWith("1.0");
    proxy.addVersion("2.0", "{\"mode\":\"SESSION\",\"sessionTimeout\":60}", v2);
    HttpClient late = h2(true);
    HttpResponse<String> first = get(late, "/");
    assertThat(first.body()).startsWith("2.0");
    assertThat(first.headers().firstValue("set-cookie").orElseThrow()).startsWith("dynsoftup=");
    for (int i = 0; i < 5; i++) {
      assertThat(get(early, "/").body()).startsWith("1.0");
      assertThat(get(late, "/").body()).startsWith("2.0");
    }
  }

  @Test
  void gradualMovesClientsOverAndNeverBack() throws Exception {
    proxy.addVersion("1.0", null, v1);
    proxy.addVersion("2.0", "{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":5}", v2);
    List<HttpClient> clients = new ArrayList<>();
    List<Boolean> moved = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(h2(true));
      moved.add(false);
    }
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < clients.size(); i++) {
        boolean onNew = get(clients.get(i), "/").body().startsWith("2.0");
        if (moved.get(i)) {
          assertThat(onNew).as("client %d moved back", i).isTrue();
        }
        moved.set(i, onNew);
      }
    }
    assertThat(moved).containsOnly(true);
  }

  @Test
  void concurrentServesAMatchingNewAnswerAndKeepsADifferentOneOff() throws Exception {
    proxy.addVersion("1.0", null, v1);
    String id2 = proxy.addVersion("2.0", "{\"mode\":\"CONCURRENT\",\"timeoutMillis\":1500}", v2);
    v1.behave(e -> {
      e.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      e.getResponseSender().send(e.getRequestPath().equals("/differs") ? "old answer" : "same answer");
    });
    v2.behave(e -> {
      e.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      e.getResponseSender().send(e.getRequestPath().equals("/differs") ? "new answer" : "same answer");
    });
    HttpClient client = h2(false);
    HttpResponse<String> same = get(client, "/same");
    assertThat(same.body()).isEqualTo("same answer");
    assertThat(same.headers().firstValue("x-version")).hasValue("2.0");
    HttpResponse<String> differs = get(client, "/differs");
    assertThat(differs.body()).isEqualTo("old answer");
    assertThat(differs.headers().firstValue("x-version")).hasValue("1.0");
    JsonNode mirror = proxy.status(id2).get("mirror");
    assertThat(mirror.get("matches").asInt()).isEqualTo(1);
    assertThat(mirror.get("mismatches").asInt()).isEqualTo(1);
  }

  @Test
  void theFailoverRulesHoldForHttp2() throws Exception {
    v1.behave(e -> {
      e.setStatusCode(503);
      e.getResponseSender().send("down");
    });
    TestBackend v1b = new TestBackend("v1b", "1.0");
    try {
      proxy.close();
      HandoverConfig c = HandoverConfig.ephemeral();
      Path[] files = TestCertificates.server(ca, "localhost").writePem(dir, "site2");
      proxy = new ProxyFixture(c.withListeners(c.proxy().withTls(new ListenerTls(0, List.of(CertificateSource.pem(files[0], files[1])))),
          c.admin()));
      proxy.addVersion("1.0", null, v1, v1b);
      HttpClient client = h2(false);
      for (int i = 0; i < 4; i++) {
        HttpResponse<String> r = get(client, "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("1.0 v1b");
      }
    } finally {
      v1b.close();
    }
  }

  @Test
  void thePlainPortTakesH2cWhenAskedTo() throws Exception {
    proxy.addVersion("1.0", null, v1);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    // the JDK client asks by the h2c upgrade on its first request, then speaks HTTP/2
    HttpResponse<String> first = client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = client.send(HttpRequest.newBuilder(proxy.proxy("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.body()).startsWith("1.0");
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(second.body()).startsWith("1.0");
  }
}

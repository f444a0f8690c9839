package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.Bytes;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyIT {

  private TestBackend backend;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    backend = new TestBackend("b1", "1.0");
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, backend);
  }

  @AfterEach
  void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void proxiesEveryMethodWithQueryString() throws Exception {
    for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
      HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/items/7?a=1&b=two%20words"))
          .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("x=1"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("1.0 b1 " + method + " /items/7?a=1&b=two%20words");
    }
  }

  @Test
  void headGetsHeadersWithoutBody() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("HEAD /download?bytes=1234 HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttpConnection.Response head = c.read("HEAD");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("X-Version")).isEqualTo("1.0");
      assertThat(head.body()).isEmpty();
      // the connection is still in step: the next response is the right one
      assertThat(c.get("/after").text()).isEqualTo("1.0 b1 GET /after");
    }
  }

  @Test
  void streamsTenMebibyteUploadAndDownloadIntact() throws Exception {
    byte[] data = Bytes.random(10 * 1024 * 1024);
    HttpResponse<String> up = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/digest"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(up.body()).isEqualTo(Bytes.sha256(data) + " " + data.length);

    // chunked upload: the body publisher has no known length
    HttpResponse<String> chunked = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/digest"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.body()).isEqualTo(Bytes.sha256(data) + " " + data.length);

    HttpResponse<byte[]> down = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/download?bytes=" + data.length)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(down.headers().firstValue("Content-Length")).hasValue(String.valueOf(data.length));
    assertThat(Bytes.sha256(down.body())).isEqualTo(Bytes.sha256(data));
  }

  @Test
  void chunkedResponsesPassThrough() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      RawHttpConnection.Response r = c.read("POST");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("hello world");
    }
  }

  @Test
  void keepsRepeatedHeadersAndSetsForwardedHeaders() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      RawHttpConnection.Response r = c.get("/headers", "Host: shop.example", "X-Tag: one", "X-Tag: two",
          "X-Forwarded-For: 6.6.6.6");
      List<String> lines = r.text().lines().toList();
      assertThat(lines).contains("x-tag: one", "x-tag: two", "x-forwarded-for: 127.0.0.1",
          "x-forwarded-proto: http", "x-forwarded-host: shop.example");
      assertThat(lines).doesNotContain("x-forwarded-for: 6.6.6.6");
    }
  }

  @Test
  void dropsHopByHopHeadersBothWays() throws Exception {
    backend.behave(exchange -> {
      exchange.getResponseHeaders().put(io.undertow.util.Headers.CONNECTION, "X-Internal");
      exchange.getResponseHeaders().put(new io.undertow.util.HttpString("X-Internal"), "secret");
      exchange.getResponseHeaders().put(io.undertow.util.Headers.KEEP_ALIVE, "timeout=5");
      StringBuilder sb = new StringBuilder();
      exchange.getRequestHeaders().forEach(h -> sb.append(h.getHeaderName().toString().toLowerCase()).append('\n'));
      exchange.getResponseSender().send(sb.toString());
    });
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      RawHttpConnection.Response r = c.get("/", "Connection: keep-alive, X-Client-Hop", "X-Client-Hop: 1",
          "Keep-Alive: timeout=9", "TE: trailers", "Proxy-Connection: keep-alive", "X-End-To-End: yes");
      assertThat(r.text().lines().toList())
          .contains("x-end-to-end")
          .doesNotContain("x-client-hop", "keep-alive", "te", "proxy-connection");
      assertThat(r.header("X-Internal")).isNull();
      assertThat(r.header("Keep-Alive")).isNull();
      // the backend's Connection header did not close the client's connection
      assertThat(c.get("/headers").status()).isEqualTo(200);
    }
  }

  @Test
  void roundRobinAcrossTheServersOfAVersion() throws Exception {
    try (TestBackend b2 = new TestBackend("b2", "2.0"); TestBackend b3 = new TestBackend("b3", "2.0")) {
      proxy.addVersion("2.0", null, b2, b3);
      Set<String> seen = new HashSet<>();
      int[] counts = new int[2];
      for (int i = 0; i < 40; i++) {
        String body = proxy.get("/").body();
        seen.add(body);
        counts[body.contains("b2") ? 0 : 1]++;
      }
      assertThat(seen).containsExactlyInAnyOrder("2.0 b2 GET /", "2.0 b3 GET /");
      assertThat(counts[0]).isEqualTo(20);
      assertThat(counts[1]).isEqualTo(20);
    }
  }

  @Test
  void malformedRequestGets400AndTheProxyKeepsServing() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("GARBAGE\r\n\r\n");
      RawHttpConnection.Response r = c.read("GET");
      assertThat(r.status()).isEqualTo(400);
    }
    try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
      c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
      assertThat(c.read("GET").status()).isBetween(400, 499);
    }
    assertThat(proxy.get("/still").body()).isEqualTo("1.0 b1 GET /still");
  }

  @Test
  void answers503WithJsonWhenNoVersionIsRegistered() throws Exception {
    String id = proxy.handover().registry().list().get(0).id();
    assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id).statusCode()).isEqualTo(202);
    HttpResponse<String> r = proxy.get("/");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).contains("\"error\"").contains("no version");
  }

  @Test
  void answers503WithJsonWhenEveryServerIsDown() throws Exception {
    backend.close();
    HttpResponse<String> r = proxy.get("/");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).contains("\"status\":503");
  }
}

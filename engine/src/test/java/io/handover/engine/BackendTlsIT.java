package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.handover.engine.support.TestCertificates;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and HTTP/2 from the proxy to a version's servers, per version. */
class BackendTlsIT {

  @TempDir
  Path dir;
  private TestCertificates.Issued ca;
  private Path caFile;
  private final List<Undertow> servers = new ArrayList<>();
  private TestBackend v1;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.ca("Backend CA");
    caFile = Files.writeString(dir.resolve("backend-ca.pem"), TestCertificates.pem(ca.certificate()));
    v1 = new TestBackend("v1", "1.0");
    proxy = new ProxyFixture();
    proxy.addVersion("1.0", null, v1);
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    servers.forEach(Undertow::stop);
  }

  private int backend(TestCertificates.Issued cert, boolean http2) throws Exception {
    return backend("2.0", cert, http2);
  }

  /** A backend answering "<label> over <protocol>"; TLS with this certificate when given. */
  private int backend(String label, TestCertificates.Issued cert, boolean http2) throws Exception {
    Undertow.Builder b = Undertow.builder().setIoThreads(1).setWorkerThreads(2)
        .setServerOption(UndertowOptions.ENABLE_HTTP2, http2)
        .setHandler(e -> {
          e.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          e.getResponseSender().send(label + " over " + e.getProtocol() + (e.getRequestScheme().equals("https") ? " tls" : ""));
        });
    if (cert == null) {
      b.addHttpListener(0, "127.0.0.1");
    } else {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", cert.key(), "pw".toCharArray(), new Certificate[] {cert.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "pw".toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      b.addHttpsListener(0, "127.0.0.1", context);
    }
    Undertow u = b.build();
    u.start();
    servers.add(u);
    return ((InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort();
  }

  private String server(int port) {
    return "{\"hostname\":\"127.0.0.1\",\"port\":" + port + "}";
  }

  private String tls(String fields) {
    return "\"tls\":{\"trustedCa\":\"" + caFile + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
  }

  @Test
  void aServerWithACertificateOfTheTrustedCaIsVerifiedAndAnswers() throws Exception {
    int port = backend(TestCertificates.server(ca, "localhost"), false);
    proxy.addVersionOn("2.0", null, tls(""), server(port));
    HttpResponse<String> r = proxy.get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("2.0 over HTTP/1.1 tls");
  }

  @Test
  void aServerOfAnotherCaFailsTheAttemptAndTheRequestFailsOver() throws Exception {
    TestCertificates.Issued other = TestCertificates.ca("Other CA");
    int port = backend(TestCertificates.server(other, "localhost"), false);
    String id2 = proxy.addVersionOn("2.0", null, tls(""), server(port));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = proxy.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("1.0");
    }
    assertThat(proxy.status(id2).get("recent").get("failures").asInt()).isGreaterThan(0);
  }

  @Test
  void theSniNameIsSentAndVerifiedInsteadOfTheAddress() throws Exception {
    int port = backend(TestCertificates.serverNamedOnly(ca, "api.internal"), false);
    proxy.addVersionOn("2.0", null, tls("\"sni\":\"api.internal\""), server(port));
    assertThat(proxy.get("/").body()).isEqualTo("2.0 over HTTP/1.1 tls");

    // a certificate for another name: the attempt fails and the request goes on to 2.0
    int wrong = backend("3.0", TestCertificates.serverNamedOnly(ca, "other.internal"), false);
    String id3 = proxy.addVersionOn("3.0", null, tls("\"sni\":\"api.internal\""), server(wrong));
    assertThat(proxy.get("/").body()).isEqualTo("2.0 over HTTP/1.1 tls");
    assertThat(proxy.status(id3).get("recent").get("failures").asInt()).isGreaterThan(0);

    // with verifyHostname false the same server is taken (the CA is still checked)
    proxy.addVersionOn("4.0", null, tls("\"sni\":\"api.internal\",\"verifyHostname\":false"), server(wrong));
    assertThat(proxy.get("/").body()).isEqualTo("3.0 over HTTP/1.1 tls");
  }

  @Test
  void http2ToTheServersIsAPerVersionOption() throws Exception {
    int h2 = backend(TestCertificates.server(ca, "localhost"), true);
    proxy.addVersionOn("2.0", null, tls("") + ",\"protocol\":\"h2\"", server(h2));
    assertThat(proxy.get("/").body()).isEqualTo("2.0 over HTTP/2.0 tls");

    int h2c = backend(null, true);
    proxy.addVersionOn("3.0", null, "\"protocol\":\"h2c\"", server(h2c));
    assertThat(proxy.get("/").body()).isEqualTo("2.0 over HTTP/2.0");
    HttpResponse<String> listed = proxy.admin("GET", "/configuration/cluster");
    assertThat(listed.body()).contains("\"protocol\":\"h2\"", "\"protocol\":\"h2c\"", "\"trustedCa\":\"" + caFile + "\"");
  }

  @Test
  void badBackendTlsSettingsAre400NamingTheField() throws Exception {
    HttpResponse<String> missing = proxy.putCluster("{\"cluster\":{\"servers\":[" + server(1) + "],\"version\":\"2.0\","
        + "\"tls\":{\"trustedCa\":\"" + dir.resolve("nope.pem") + "\"}}}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("cluster.tls.trustedCa").contains("no such file");
    HttpResponse<String> h2 = proxy.putCluster("{\"cluster\":{\"servers\":[" + server(1) + "],\"version\":\"2.0\",\"protocol\":\"h2\"}}");
    assertThat(h2.statusCode()).isEqualTo(400);
    assertThat(h2.body()).contains("cluster.protocol").contains("h2 needs tls");
    HttpResponse<String> unknown = proxy.putCluster("{\"cluster\":{\"servers\":[" + server(1) + "],\"version\":\"2.0\","
        + "\"tls\":{\"verifyHostnames\":true}}}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("cluster.tls.verifyHostnames");
  }
}

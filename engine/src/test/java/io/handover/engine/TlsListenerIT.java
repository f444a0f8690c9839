package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.handover.engine.support.TestCertificates;
import io.handover.engine.tls.CertificateSource;
import io.handover.engine.tls.ListenerTls;
import io.handover.engine.tls.TlsFileException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's HTTPS listener: certificates by SNI, reload, PKCS#12, and files that cannot be used. */
class TlsListenerIT {

  @TempDir
  Path dir;
  private TestCertificates.Issued ca;
  private TestBackend v1;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    ca = TestCertificates.ca("Test CA");
    v1 = new TestBackend("v1", "1.0");
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    v1.close();
  }

  private ProxyFixture startProxy(long reloadCheckMillis, CertificateSource... sources) throws Exception {
    HandoverConfig c = HandoverConfig.ephemeral();
    c = c.withListeners(c.proxy().withTls(new ListenerTls(0, List.of(sources), true, reloadCheckMillis)), c.admin());
    proxy = new ProxyFixture(c);
    proxy.addVersion("1.0", null, v1);
    return proxy;
  }

  private CertificateSource pem(TestCertificates.Issued issued, String name) throws Exception {
    Path[] files = issued.writePem(dir, name);
    return CertificateSource.pem(files[0], files[1]);
  }

  /** A TLS connection to the proxy's HTTPS port asking for {@code host} by SNI. */
  private SSLSocket connect(String host) throws Exception {
    SSLContext context = ca.trustingIssuer();
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", proxy.handover().proxyTlsAddress().getPort());
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(host)));
    s.setSSLParameters(p);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  private static X509Certificate served(SSLSocket s) throws Exception {
    return (X509Certificate) s.getSession().getPeerCertificates()[0];
  }

  /** Sends a keep-alive GET and returns the body of the (Content-Length) answer. */
  private static String get(SSLSocket s, String host) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    String status = in.readLine();
    assertThat(status).startsWith("HTTP/1.1 200");
    int length = -1;
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    char[] body = new char[length];
    int n = 0;
    while (n < length) {
      n += in.read(body, n, length - n);
    }
    return new String(body);
  }

  @Test
  void eachSniNameGetsItsOwnCertificateAndTheRequestIsProxied() throws Exception {
    startProxy(0, pem(TestCertificates.server(ca, "a.test"), "a"), pem(TestCertificates.server(ca, "b.test", "*.b.test"), "b"));
    try (SSLSocket a = connect("a.test"); SSLSocket b = connect("api.b.test"); SSLSocket other = connect("c.test")) {
      assertThat(served(a).getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
      assertThat(served(b).getSubjectX500Principal().getName()).isEqualTo("CN=b.test");
      // a name no certificate covers gets the first one
      assertThat(served(other).getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
      assertThat(a.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      assertThat(get(a, "a.test")).startsWith("1.0");
      assertThat(get(b, "api.b.test")).startsWith("1.0");
    }
  }

  @Test
  void aNameWithAnRsaCertificateGetsItEvenWhenAnotherNamesEcCertificateIsListed() throws Exception {
    // clients prefer ECDSA: the EC certificate of ec.test must not be served for a.test
    startProxy(0, pem(TestCertificates.server(ca, "a.test"), "a"), pem(TestCertificates.serverEc(ca, "ec.test"), "ec"),
        pem(TestCertificates.serverEc(ca, "a.test"), "a-ec"));
    try (SSLSocket ec = connect("ec.test"); SSLSocket other = connect("other.test")) {
      assertThat(served(ec).getSubjectX500Principal().getName()).isEqualTo("CN=ec.test");
      assertThat(served(ec).getPublicKey().getAlgorithm()).isEqualTo("EC");
      // no certificate covers other.test: the first one's names, of the client's preferred type
      assertThat(served(other).getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
    }
    proxy.close();
    proxy = null;
    startProxy(0, pem(TestCertificates.server(ca, "a.test"), "a2"), pem(TestCertificates.serverEc(ca, "ec.test"), "ec2"));
    try (SSLSocket a = connect("a.test")) {
      assertThat(served(a).getSubjectX500Principal().getName()).isEqualTo("CN=a.test");
      assertThat(served(a).getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }
  }

  @Test
  void anAdminReloadSwapsTheCertificateWithoutDroppingAConnection() throws Exception {
    TestCertificates.Issued first = TestCertificates.server(ca, "a.test");
    startProxy(0, pem(first, "a"));
    try (SSLSocket open = connect("a.test")) {
      assertThat(get(open, "a.test")).startsWith("1.0");
      TestCertificates.Issued second = TestCertificates.server(ca, "a.test");
      second.writePem(dir, "a");

      assertThat(proxy.admin("POST", "/tls/reload").statusCode()).isEqualTo(200);

      try (SSLSocket fresh = connect("a.test")) {
        assertThat(served(fresh).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber());
      }
      // the connection made before goes on, on its own session
      assertThat(get(open, "a.test")).startsWith("1.0");
      assertThat(served(open).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
    }
  }

  @Test
  void aChangedFileIsReloadedByItself() throws Exception {
    startProxy(100, pem(TestCertificates.server(ca, "a.test"), "a"));
    TestCertificates.Issued second = TestCertificates.server(ca, "a.test");
    second.writePem(dir, "a");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (SSLSocket fresh = connect("a.test")) {
        assertThat(served(fresh).getSerialNumber()).isEqualTo(second.certificate().getSerialNumber());
      }
    });
  }

  @Test
  void aReloadOfABadFileKeepsTheCertificateBeforeAndSaysWhy() throws Exception {
    TestCertificates.Issued first = TestCertificates.server(ca, "a.test");
    startProxy(0, pem(first, "a"));
    // a new certificate with the old key: they no longer match
    Files.writeString(dir.resolve("a.pem"), TestCertificates.pem(TestCertificates.server(ca, "a.test").certificate()));

    var r = proxy.admin("POST", "/tls/reload");

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("a-key.pem").contains("does not match");
    try (SSLSocket fresh = connect("a.test")) {
      assertThat(served(fresh).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
    }
    JsonNode tls = new ObjectMapper().readTree(proxy.admin("GET", "/status").body()).get("tls").get(0);
    assertThat(tls.get("lastReloadError").asText()).contains("does not match");
  }

  @Test
  void aPkcs12KeystoreServesAndTheStatusShowsTheExpiry() throws Exception {
    TestCertificates.Issued site = TestCertificates.server(ca, "a.test");
    startProxy(0, CertificateSource.pkcs12(site.writePkcs12(dir.resolve("site.p12"), "secret"), "secret"));
    try (SSLSocket a = connect("a.test")) {
      assertThat(served(a).getSerialNumber()).isEqualTo(site.certificate().getSerialNumber());
      assertThat(get(a, "a.test")).startsWith("1.0");
    }
    JsonNode cert = new ObjectMapper().readTree(proxy.admin("GET", "/status").body()).get("tls").get(0).get("certificates").get(0);
    assertThat(cert.get("names").get(0).asText()).isEqualTo("a.test");
    assertThat(Instant.parse(cert.get("notAfter").asText())).isEqualTo(site.certificate().getNotAfter().toInstant());
    assertThat(cert.get("file").asText()).endsWith("site.p12");
    String metrics = proxy.admin("GET", "/metrics").body();
    assertThat(metrics).containsPattern("handover_tls_certificate_not_after_seconds\\{file=\"[^\"]*site.p12\",listener=\"proxy\"\\} "
        + "[0-9.E]+");
    assertThat(metrics).contains(String.valueOf((double) site.certificate().getNotAfter().toInstant().getEpochSecond()).substring(0, 6));
  }

  @Test
  void theAdminApiCanSpeakTlsWithItsToken() throws Exception {
    CertificateSource admin = pem(TestCertificates.server(ca, "localhost"), "admin");
    HandoverConfig c = HandoverConfig.ephemeral();
    c = c.withListeners(c.proxy(), c.admin().withTls(new ListenerTls(0, List.of(admin), false, 0)))
        .withAdminSettings(new io.handover.engine.config.AdminSettings(1024 * 1024, "t0ken", List.of()));
    proxy = new ProxyFixture(c);
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(ca.trustingIssuer()).build();
    java.net.URI status = java.net.URI.create("https://localhost:" + proxy.adminPort() + "/status");
    var withToken = client.send(java.net.http.HttpRequest.newBuilder(status).header("Authorization", "Bearer t0ken").build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(withToken.body()).get("tls").get(0).get("listener").asText()).isEqualTo("admin");
    var without = client.send(java.net.http.HttpRequest.newBuilder(status).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(without.statusCode()).isEqualTo(401);
  }

  @Test
  void anExpiredCertificateIsRefusedAtStartNamingTheFile() throws Exception {
    TestCertificates.Issued old = TestCertificates.server(ca, Instant.now().minus(Duration.ofDays(30)),
        Instant.now().minus(Duration.ofDays(1)), "a.test");
    CertificateSource source = pem(old, "old");
    assertThatThrownBy(() -> startProxy(0, source))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith(dir.resolve("old.pem").toString())
        .hasMessageContaining("expired on");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedAtStart() throws Exception {
    Path[] a = TestCertificates.server(ca, "a.test").writePem(dir, "a");
    Path[] b = TestCertificates.server(ca, "b.test").writePem(dir, "b");
    assertThatThrownBy(() -> startProxy(0, CertificateSource.pem(a[0], b[1])))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith(b[1].toString())
        .hasMessageContaining("does not match the certificate");
    assertThatThrownBy(() -> startProxy(0, CertificateSource.pem(dir.resolve("missing.pem"), b[1])))
        .hasMessage(dir.resolve("missing.pem") + ": no such file");
  }
}

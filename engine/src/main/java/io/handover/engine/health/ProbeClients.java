package io.handover.engine.health;

import io.handover.engine.registry.BackendTransport;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP clients health probes use: the plain one, and one per TLS transport, trusting the
 * version's CAs and sending its SNI name as the request path does, so that a TLS version's servers
 * are probed over TLS.
 */
final class ProbeClients {

  private final HttpClient plain;
  private final Executor executor;
  private final Map<BackendTransport, HttpClient> tls = new ConcurrentHashMap<>();

  ProbeClients(HttpClient plain, Executor executor) {
    this.plain = plain;
    this.executor = executor;
  }

  HttpClient clientFor(BackendTransport t) {
    return t.tls() ? tls.computeIfAbsent(t, this::tlsClient) : plain;
  }

  static String scheme(BackendTransport t) {
    return t.tls() ? "https" : "http";
  }

  private HttpClient tlsClient(BackendTransport t) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (t.trustedCa() == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(t.trustedCa().getBytes(StandardCharsets.US_ASCII)))) {
          store.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(store);
      }
      TrustManager[] trust = tmf.getTrustManagers();
      if (!t.verifyHostname()) {
        trust = new TrustManager[] {new ChainOnly((X509TrustManager) trust[0])};
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust, null);
      SSLParameters parameters = context.getDefaultSSLParameters();
      if (t.sni() != null) {
        parameters.setServerNames(List.of(new SNIHostName(t.sni())));
      }
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5)).executor(executor).sslContext(context).sslParameters(parameters).build();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("the trusted CAs of a version cannot be used for health checks", e);
    }
  }

  /** Checks the chain only, for versions with verifyHostname false. */
  private static final class ChainOnly extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;

    ChainOnly(X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}

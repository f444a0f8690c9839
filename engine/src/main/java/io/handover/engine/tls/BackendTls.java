package io.handover.engine.tls;

import io.handover.engine.registry.BackendTransport;
import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.ssl.XnioSsl;

/**
 * What the backend connections of a version need for its {@link BackendTransport}: the URI scheme
 * Undertow's client picks its protocol by, the TLS layer (trusting the version's CAs, verifying
 * the host name, sending the SNI name) and the connection options.
 */
public record BackendTls(String scheme, XnioSsl ssl, OptionMap options) {

  private static final BackendTls PLAIN = new BackendTls("http", null, OptionMap.EMPTY);

  /**
   * @throws IllegalArgumentException when the trusted CAs cannot be read (they were checked when the version was accepted)
   */
  public static BackendTls of(BackendTransport t) {
    if (!t.tls()) {
      return t.protocol().equals(BackendTransport.H2C) ? new BackendTls("h2c-prior", null, OptionMap.EMPTY) : PLAIN;
    }
    try {
      SSLContext base = SSLContext.getInstance("TLS");
      TrustManager[] trust = TrustedCertificates.trustManagers(
          t.trustedCa() == null ? null : TrustedCertificates.parse(t.trustedCa(), t.trustedCaSource()));
      if (!t.verifyHostname()) {
        // Undertow's client asks for host name checks on every engine it makes: the chain is checked here without them
        trust = new TrustManager[] {new ChainOnly((javax.net.ssl.X509TrustManager) trust[0])};
      }
      base.init(null, trust, null);
      SSLContext context = new ConfiguredContext(base, engine -> {
        SSLParameters p = engine.getSSLParameters();
        if (t.verifyHostname()) {
          p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (t.sni() != null) {
          p.setServerNames(List.of(new SNIHostName(t.sni())));
        }
        engine.setSSLParameters(p);
        return engine;
      });
      OptionMap options = TlsDefaults.options(context);
      XnioSsl ssl = new UndertowXnioSsl(Xnio.getInstance(), options, context);
      OptionMap connection = t.http2() ? OptionMap.create(UndertowOptions.ENABLE_HTTP2, true) : OptionMap.EMPTY;
      return new BackendTls("https", ssl, connection);
    } catch (TlsFileException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
  }

  /** The same servers in HTTP/2: h2 over the same TLS, or h2c with prior knowledge. */
  public BackendTls http2() {
    if (scheme.equals("http")) {
      return new BackendTls("h2c-prior", null, OptionMap.EMPTY);
    }
    return scheme.equals("https") && !options.get(UndertowOptions.ENABLE_HTTP2, false)
        ? new BackendTls("https", ssl, OptionMap.create(UndertowOptions.ENABLE_HTTP2, true)) : this;
  }

  /** Checks the chain against the trusted CAs, never the host name. */
  private static final class ChainOnly extends javax.net.ssl.X509ExtendedTrustManager {
    private final javax.net.ssl.X509TrustManager delegate;

    ChainOnly(javax.net.ssl.X509TrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket)
        throws java.security.cert.CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket socket)
        throws java.security.cert.CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** A context whose every engine is set up by {@code configure} before use. */
  private static final class ConfiguredContext extends SSLContext {
    ConfiguredContext(SSLContext delegate, UnaryOperator<SSLEngine> configure) {
      super(new Spi(delegate, configure), delegate.getProvider(), delegate.getProtocol());
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;
    private final UnaryOperator<SSLEngine> configure;

    Spi(SSLContext delegate, UnaryOperator<SSLEngine> configure) {
      this.delegate = delegate;
      this.configure = configure;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return configure.apply(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return configure.apply(delegate.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return delegate.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }
}

package io.handover.engine.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks a listener's certificate by the host name the client asked for (SNI): the first whose
 * names cover it, else the first certificate. Reads the current set on every handshake, so that a
 * reload takes effect at the next handshake while established connections carry on.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

  /** The certificates of one load; aliases are {@code <generation>:<index>}. */
  record Generation(int number, List<LoadedCertificate> certificates) {
    LoadedCertificate get(String alias) {
      int colon = alias == null ? -1 : alias.indexOf(':');
      if (colon < 0 || !alias.substring(0, colon).equals(Integer.toString(number))) {
        return null;
      }
      int i = Integer.parseInt(alias.substring(colon + 1));
      return i < certificates.size() ? certificates.get(i) : null;
    }
  }

  /** The current generation and the one before, which a handshake under way may still ask for. */
  private final Supplier<Generation[]> generations;

  SniKeyManager(Supplier<Generation[]> generations) {
    this.generations = generations;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
  }

  private String choose(String keyType, SSLSession handshake) {
    Generation g = generations.get()[0];
    String host = requestedHost(handshake);
    List<LoadedCertificate> certs = g.certificates();
    boolean covered = false;
    if (host != null) {
      for (int i = 0; i < certs.size(); i++) {
        if (certs.get(i).covers(host)) {
          covered = true;
          if (certs.get(i).algorithm().equals(keyType)) {
            return g.number() + ":" + i;
          }
        }
      }
    }
    if (covered) {
      // the name has certificates, none of this key type: the handshake asks for the next type
      return null;
    }
    // no name, or none covers it: the first certificate (or one for the same names, of this key type)
    for (int i = 0; i < certs.size(); i++) {
      if (certs.get(i).names().equals(certs.get(0).names()) && certs.get(i).algorithm().equals(keyType)) {
        return g.number() + ":" + i;
      }
    }
    return null;
  }

  private static String requestedHost(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession s) {
      for (SNIServerName name : s.getRequestedServerNames()) {
        if (name.getType() == StandardConstants.SNI_HOST_NAME) {
          return ((SNIHostName) name).getAsciiName();
        }
      }
    }
    return null;
  }

  private LoadedCertificate find(String alias) {
    for (Generation g : generations.get()) {
      LoadedCertificate c = g == null ? null : g.get(alias);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    LoadedCertificate c = find(alias);
    return c == null ? null : c.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    LoadedCertificate c = find(alias);
    return c == null ? null : c.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Generation g = generations.get()[0];
    List<LoadedCertificate> certs = g.certificates();
    return java.util.stream.IntStream.range(0, certs.size()).filter(i -> certs.get(i).algorithm().equals(keyType))
        .mapToObj(i -> g.number() + ":" + i).toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}

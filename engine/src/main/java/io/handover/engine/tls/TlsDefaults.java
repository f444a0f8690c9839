package io.handover.engine.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;

/** TLS 1.3 and 1.2 only, with forward-secret AEAD cipher suites (Mozilla's "intermediate" list). */
public final class TlsDefaults {

  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsDefaults() {}

  /** The XNIO options that hold a listener or a client connection to these protocols and suites. */
  public static OptionMap options(SSLContext context) {
    Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
    String[] suites = CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new);
    return OptionMap.builder()
        .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(PROTOCOLS))
        .set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(Arrays.asList(suites)))
        .getMap();
  }
}

package io.handover.engine.config;

import io.handover.engine.json.Json;
import io.handover.engine.json.JsonInputException;
import io.handover.engine.tls.CertificateSource;
import io.handover.engine.tls.ListenerTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code proxy.tls} and {@code configService.tls} as written:
 * {@code {"port":8443,"certificates":[{"certificate":"site.pem","key":"site-key.pem"}],"http2":true}};
 * a PKCS#12 file is {@code {"keystore":"site.p12","password":"..."}}.
 */
record TlsJson(Long port, List<Certificate> certificates, Boolean http2, Long reloadCheckMillis) {

  static final int DEFAULT_PORT = 8443;

  TlsJson {
    port = Json.whole(port, "port", DEFAULT_PORT, 0, 65535);
    if (certificates == null || certificates.isEmpty()) {
      throw JsonInputException.of("certificates", "must list at least one {\"certificate\":\"site.pem\",\"key\":\"site-key.pem\"}");
    }
    for (int i = 0; i < certificates.size(); i++) {
      if (certificates.get(i) == null) {
        throw JsonInputException.of("certificates[" + i + "]", "must be {\"certificate\":...,\"key\":...} or {\"keystore\":...,\"password\":...}");
      }
    }
    http2 = http2 == null || http2;
    reloadCheckMillis = Json.whole(reloadCheckMillis, "reloadCheckMillis", ListenerTls.DEFAULT_RELOAD_CHECK_MILLIS, 0, 86_400_000);
  }

  /** One certificate: a PEM pair, or a PKCS#12 keystore and its password. */
  record Certificate(String certificate, String key, String keystore, String password) {
    Certificate {
      if (keystore != null) {
        if (keystore.isBlank()) {
          throw JsonInputException.of("keystore", "must be a non-empty string");
        }
        if (certificate != null || key != null) {
          throw JsonInputException.of("keystore", "cannot be given together with certificate and key");
        }
        if (password == null) {
          throw JsonInputException.of("password", "is required with a keystore (PKCS#12 files need one)");
        }
      } else {
        if (certificate == null || certificate.isBlank()) {
          throw JsonInputException.of("certificate", "is required: a PEM certificate file (or give a keystore)");
        }
        if (key != null && key.isBlank()) {
          throw JsonInputException.of("key", "must be a non-empty string");
        }
        if (password != null) {
          throw JsonInputException.of("password", "is only for a keystore; PEM keys must not be encrypted");
        }
      }
    }

    CertificateSource source(Path base) {
      return keystore != null
          ? CertificateSource.pkcs12(base.resolve(keystore).normalize(), password)
          : CertificateSource.pem(base.resolve(certificate).normalize(), key == null ? null : base.resolve(key).normalize());
    }
  }

  ListenerTls settings(Path base) {
    List<CertificateSource> sources = new ArrayList<>();
    certificates.forEach(c -> sources.add(c.source(base)));
    return new ListenerTls(port.intValue(), sources, http2, reloadCheckMillis);
  }
}

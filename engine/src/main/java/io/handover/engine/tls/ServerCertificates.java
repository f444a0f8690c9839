package io.handover.engine.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of one TLS listener, reloadable while it runs: when a file changes (checked
 * every {@link ListenerTls#reloadCheckMillis()}) or on {@link #reload()}. A set that does not load
 * whole is refused, and the one before keeps serving. Thread-safe.
 */
public final class ServerCertificates implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);

  private final String listenerName;
  private final List<CertificateSource> sources;
  private final Clock clock;
  private final SSLContext context;
  private volatile SniKeyManager.Generation[] generations;
  private volatile String lastError;
  private volatile Instant loadedAt;
  private List<String> fingerprint;
  private final ScheduledExecutorService watcher;

  private ServerCertificates(String listenerName, ListenerTls tls, Clock clock, SniKeyManager.Generation first)
      throws GeneralSecurityException {
    this.listenerName = listenerName;
    this.sources = tls.certificates();
    this.clock = clock;
    this.generations = new SniKeyManager.Generation[] {first, null};
    this.loadedAt = clock.instant();
    this.fingerprint = fingerprint(sources);
    this.context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {new SniKeyManager(() -> generations)}, null, null);
    if (tls.reloadCheckMillis() > 0) {
      watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "handover-tls-reload");
        t.setDaemon(true);
        return t;
      });
      watcher.scheduleWithFixedDelay(this::reloadIfChanged, tls.reloadCheckMillis(), tls.reloadCheckMillis(), TimeUnit.MILLISECONDS);
    } else {
      watcher = null;
    }
  }

  /**
   * Loads the listener's certificates.
   *
   * @param listenerName how logs and the status name the listener, e.g. {@code proxy}
   * @throws TlsFileException naming the first file that cannot be used
   */
  public static ServerCertificates load(String listenerName, ListenerTls tls, Clock clock) throws TlsFileException {
    SniKeyManager.Generation first = new SniKeyManager.Generation(1, loadAll(tls.certificates(), clock.instant()));
    try {
      return new ServerCertificates(listenerName, tls, clock, first);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS", e);
    }
  }

  private static List<LoadedCertificate> loadAll(List<CertificateSource> sources, Instant now) throws TlsFileException {
    List<LoadedCertificate> loaded = new ArrayList<>();
    for (CertificateSource s : sources) {
      loaded.add(LoadedCertificate.load(s, now));
    }
    return List.copyOf(loaded);
  }

  /** The context the listener's handshakes use; it reads the current certificates on each one. */
  public SSLContext context() {
    return context;
  }

  /**
   * Reads every file again and, when all load, serves them from the next handshake on.
   *
   * @throws TlsFileException naming the file that cannot be used; the certificates before stay
   */
  public synchronized void reload() throws TlsFileException {
    List<String> seen = fingerprint(sources);
    List<LoadedCertificate> loaded;
    try {
      loaded = loadAll(sources, clock.instant());
    } catch (TlsFileException e) {
      lastError = e.getMessage();
      fingerprint = seen; // not tried again until a file changes again
      throw e;
    }
    SniKeyManager.Generation current = generations[0];
    generations = new SniKeyManager.Generation[] {new SniKeyManager.Generation(current.number() + 1, loaded), current};
    fingerprint = seen;
    lastError = null;
    loadedAt = clock.instant();
    log.info("{} TLS certificates reloaded: {}", listenerName, describe(loaded));
  }

  private synchronized void reloadIfChanged() {
    try {
      if (!fingerprint(sources).equals(fingerprint)) {
        reload();
      }
    } catch (TlsFileException e) {
      log.warn("{} TLS certificates not reloaded, the ones before keep serving: {}", listenerName, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("{} TLS certificates not reloaded", listenerName, e);
    }
  }

  /** What is served: each certificate's file, names and expiry, when they were loaded, and the last failed reload. */
  public Status status() {
    Instant now = clock.instant();
    List<CertificateStatus> certs = generations[0].certificates().stream()
        .map(c -> new CertificateStatus(c.source().certificate().toString(), c.names(), c.chain()[0].getSubjectX500Principal().getName(),
            c.notAfter().toString(), java.time.Duration.between(now, c.notAfter()).toDays(), c.algorithm()))
        .toList();
    return new Status(listenerName, certs, loadedAt.toString(), lastError);
  }

  /** How many certificates the listener has (their order is the config's, kept over reloads). */
  public int size() {
    return sources.size();
  }

  /** The file the certificate at {@code index} is read from. */
  public String file(int index) {
    return sources.get(index).certificate().toString();
  }

  /** When the certificate at {@code index} now served expires, in seconds since the epoch. */
  public double notAfterEpochSeconds(int index) {
    return generations[0].certificates().get(index).notAfter().getEpochSecond();
  }

  /** The listener's name, e.g. {@code proxy}. */
  public String listener() {
    return listenerName;
  }

  /** A listener's certificates as {@code /status} shows them; times are ISO-8601 UTC. */
  public record Status(String listener, List<CertificateStatus> certificates, String loadedAt, String lastReloadError) {}

  /** One served certificate. */
  public record CertificateStatus(String file, List<String> names, String subject, String notAfter, long expiresInDays,
      String keyAlgorithm) {}

  private static String describe(List<LoadedCertificate> loaded) {
    return String.join(", ", loaded.stream().map(c -> c.names() + " until " + c.notAfter()).toList());
  }

  /** A digest of each file (they are small): any change means the set is read again, whatever the file times say. */
  private static List<String> fingerprint(List<CertificateSource> sources) {
    Set<Path> files = new LinkedHashSet<>();
    for (CertificateSource s : sources) {
      files.add(s.certificate());
      if (s.key() != null) {
        files.add(s.key());
      }
    }
    List<String> marks = new ArrayList<>();
    for (Path f : files) {
      try {
        marks.add(f + "@" + java.util.Arrays.hashCode(Files.readAllBytes(f)));
      } catch (IOException e) {
        marks.add(f + "@missing");
      }
    }
    return marks;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }
}

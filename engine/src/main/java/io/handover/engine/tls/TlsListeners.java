package io.handover.engine.tls;

import java.util.ArrayList;
import java.util.List;

/** The certificates of every TLS listener of one proxy, reloaded and reported together. */
public final class TlsListeners implements AutoCloseable {

  private final List<ServerCertificates> listeners;

  public TlsListeners(List<ServerCertificates> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  public static TlsListeners none() {
    return new TlsListeners(List.of());
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /**
   * Reloads every listener's certificates; each listener keeps its certificates before when its
   * files do not load.
   *
   * @return the problems, one line each; empty when all were reloaded
   */
  public List<String> reload() {
    List<String> problems = new ArrayList<>();
    for (ServerCertificates c : listeners) {
      try {
        c.reload();
      } catch (TlsFileException e) {
        problems.add(c.status().listener() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  public List<ServerCertificates> listeners() {
    return listeners;
  }

  public List<ServerCertificates.Status> status() {
    return listeners.stream().map(ServerCertificates::status).toList();
  }

  @Override
  public void close() {
    listeners.forEach(ServerCertificates::close);
  }
}

package io.handover.engine.container;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the container engine's API listens: a Unix-domain socket ({@code unix:///run/podman/podman.sock})
 * or a TCP address ({@code tcp://10.0.0.2:2375}).
 *
 * @param socket the socket path, or null for TCP
 * @param host the TCP host, or null for a socket
 * @param port the TCP port, or 0 for a socket
 */
public record EngineAddress(Path socket, String host, int port) {

  public EngineAddress {
    if ((socket == null) == (host == null)) {
      throw new IllegalArgumentException("an engine address is a socket path or a host and port");
    }
    if (host != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
  }

  public static EngineAddress unix(Path socket) {
    return new EngineAddress(requireNonNull(socket, "socket is null"), null, 0);
  }

  public static EngineAddress tcp(String host, int port) {
    return new EngineAddress(null, requireNonNull(host, "host is null"), port);
  }

  /**
   * Reads {@code unix:///path}, {@code /path}, {@code tcp://host:port} or {@code host:port}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static EngineAddress parse(String text) {
    String t = text.strip();
    if (t.startsWith("unix://")) {
      return unix(Path.of(t.substring("unix://".length())));
    }
    if (t.startsWith("/")) {
      return unix(Path.of(t));
    }
    String hostPort = t.startsWith("tcp://") ? t.substring("tcp://".length()) : t.startsWith("http://") ? t.substring(7) : t;
    if (hostPort.endsWith("/")) {
      hostPort = hostPort.substring(0, hostPort.length() - 1);
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("must be unix:///path/to/socket or tcp://host:port, not \"" + text + "\"");
    }
    try {
      String host = hostPort.substring(0, colon);
      return tcp(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("has no port number: \"" + text + "\"");
    }
  }

  /**
   * The engine to use when none is configured: {@code DOCKER_HOST}, else Docker's socket, else
   * podman's rootful socket (the first that exists), else Docker's.
   */
  public static EngineAddress fromEnvironment() {
    String env = System.getenv("DOCKER_HOST");
    if (env != null && !env.isBlank()) {
      return parse(env);
    }
    for (String candidate : new String[] {"/var/run/docker.sock", "/run/podman/podman.sock"}) {
      if (Files.exists(Path.of(candidate))) {
        return unix(Path.of(candidate));
      }
    }
    return unix(Path.of("/var/run/docker.sock"));
  }

  StandardProtocolFamily family() {
    return socket != null ? StandardProtocolFamily.UNIX : null;
  }

  SocketAddress socketAddress() {
    return socket != null ? UnixDomainSocketAddress.of(socket) : new InetSocketAddress(host, port);
  }

  /** The value of the HTTP Host header. */
  String hostHeader() {
    return socket != null ? "localhost" : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return socket != null ? "unix://" + socket : "tcp://" + hostHeader();
  }
}

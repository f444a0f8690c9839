package io.handover.engine.registry;

import static java.util.Objects.requireNonNull;

/** One backend server of a version: a host name or IP address and a port. */
public record ServerAddress(String host, int port) {

  public ServerAddress {
    requireNonNull(host, "host is null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
  }

  /** {@code host:port}, with IPv6 literals in brackets. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}

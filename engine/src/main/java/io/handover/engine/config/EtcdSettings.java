package io.handover.engine.config;

import java.util.List;

/**
 * The {@code store.etcd} setting: the versions, their rollout state, the cookie secret's identity
 * and the instances sharing them are kept in etcd under {@code prefix}; see {@code docs/scale-out.md}.
 *
 * @param endpoints the etcd client URLs, e.g. {@code http://127.0.0.1:2379}; at least one
 * @param prefix the key prefix of this proxy's keys, ending in {@code /}
 * @param name this instance's name among those sharing the prefix, or null for {@code host:proxyPort}
 */
public record EtcdSettings(List<String> endpoints, String prefix, String name) {

  public static final String DEFAULT_PREFIX = "/handover/";

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
  }
}

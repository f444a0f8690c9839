package io.handover.strategies;

import io.handover.api.CookieSigner;
import io.handover.api.InvalidSettingException;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import io.handover.api.StickyClients;
import io.handover.api.StrategyContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Locale;

/**
 * Engine services for tests. Knows the comparators status, headers, body and latency, which always
 * match, and strict, which rejects a setting named {@code bad}; other names fail as in the engine.
 */
record FakeContext(MutableClock clock, CookieSigner cookieSigner, List<String> seen) implements StrategyContext {

  static final List<String> KNOWN = List.of("status", "headers", "body", "latency", "strict");

  static FakeContext at(long epochMillis) {
    return new FakeContext(new MutableClock(epochMillis), new HmacSigner("test-secret-0123456789"), new CopyOnWriteArrayList<>());
  }

  /** Notes each sticky client as {@code <versionId>/<client in hex>} in {@link #seen}. */
  @Override
  public StickyClients stickyClients() {
    return (version, client) -> seen.add(version.id() + "/" + Long.toHexString(client));
  }

  @Override
  public ResponseComparator comparator(String name, Settings settings) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!KNOWN.contains(lower)) {
      throw new InvalidSettingException("comparators",
          "unknown comparator '" + name + "'; known comparators: " + String.join(", ", KNOWN));
    }
    if (lower.equals("strict") && settings.has("bad")) {
      throw settings.invalid("bad", "is not allowed");
    }
    return new StubComparator(lower, settings);
  }
}

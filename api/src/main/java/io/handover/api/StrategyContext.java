package io.handover.api;

import java.time.Clock;

/**
 * Engine services a strategy may use, handed to {@link UpgradeStrategyFactory#create}.
 *
 * <p>Thread-safe; every method may be called from any thread, IO threads included, and none
 * blocks. Never returns null.
 */
public interface StrategyContext {

  /** The clock to read time from, so tests can move it. */
  Clock clock();

  /**
   * Signs and checks cookie values with the proxy's key, so that every instance sharing the key
   * honours the cookies of the others.
   */
  CookieSigner cookieSigner();

  /**
   * Creates a comparator by name, for strategies that mirror requests.
   *
   * @param name the comparator's name, e.g. {@code "status"}; matched case-insensitively
   * @param settings the comparator's settings
   * @throws InvalidSettingException when no comparator has that name or its settings are invalid
   */
  ResponseComparator comparator(String name, Settings settings);

  /**
   * Where to note the sticky clients kept on older versions; see {@link StickyClients}. An engine
   * that does not count them gives {@link StickyClients#NONE}.
   */
  default StickyClients stickyClients() {
    return StickyClients.NONE;
  }
}

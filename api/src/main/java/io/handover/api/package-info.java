/**
 * The Handover plugin SPI: what an upgrade strategy or a response comparator sees, and nothing else.
 *
 * <p>This package depends on the JDK only. Plugins are found with {@link java.util.ServiceLoader}:
 * a strategy is a {@link io.handover.api.UpgradeStrategyFactory}, a comparator a
 * {@link io.handover.api.ResponseComparatorFactory}. Each plugin JAR is loaded in its own class loader
 * that sees this package and the JDK, so a plugin cannot reach engine classes.
 *
 * <p>Interfaces here grow by {@code default} methods only, so a plugin built against an older
 * version keeps working.
 */
package io.handover.api;

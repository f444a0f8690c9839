package io.handover.api;

/**
 * Makes {@link ResponseComparator} instances. Found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.handover.api.ResponseComparatorFactory}. Needs a
 * public no-argument constructor.
 *
 * <p><b>Threads:</b> called on worker threads when a version is added. <b>Blocking:</b> allowed but
 * should be brief.
 */
public interface ResponseComparatorFactory {

  /** The comparator's name as used in a mode's {@code comparators} list, e.g. {@code "status"}. Never null. */
  String name();

  /** A one-line description for the admin API's listing. Never null. */
  default String description() {
    return "";
  }

  /**
   * Creates a comparator, checking its settings.
   *
   * @param settings the comparator's settings; not null, may be empty
   * @return a new comparator; never null
   * @throws InvalidSettingException naming the setting, when a setting is invalid
   */
  ResponseComparator create(Settings settings);
}

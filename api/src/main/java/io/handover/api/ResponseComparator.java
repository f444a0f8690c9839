package io.handover.api;

/**
 * Decides whether a new version's response may stand in for the old version's, for mirrored
 * requests (CONCURRENT mode).
 *
 * <p><b>Threads:</b> called on worker threads, concurrently; implementations must be thread-safe.
 * <b>Blocking:</b> CPU only, no I/O; it may take a little longer than a routing decision (a JSON
 * body may be parsed) but should stay well under a millisecond for ordinary bodies.
 */
public interface ResponseComparator {

  /**
   * Compares two successful responses to the same request.
   *
   * @param target the response of the version that would otherwise be served (the older); not null
   * @param candidate the response of the version under test (the newer); not null
   * @return the verdict; never null
   */
  ComparisonResult compare(ResponseSummary target, ResponseSummary candidate);

  /**
   * Compares two successful responses leaving out, as well as what this comparator was configured
   * to leave out, the parts in {@code extra} (noise the engine learned). A comparator that has
   * nothing to leave out need not override this; the default ignores {@code extra}.
   *
   * @param target the response of the version that would otherwise be served (the older); not null
   * @param candidate the response of the version under test (the newer); not null
   * @param extra more parts to leave out; not null, often {@link Ignores#NONE}
   * @return the verdict; never null
   */
  default ComparisonResult compare(ResponseSummary target, ResponseSummary candidate, Ignores extra) {
    return compare(target, candidate);
  }
}

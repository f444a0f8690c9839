package io.handover.api;

import static java.util.Objects.requireNonNull;

/**
 * One place where two responses differ, named so that a person sees at a glance why they did not
 * match, and so that the engine can tell noise (a place where two servers of the same version
 * differ too) from a real difference.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @param kind whether a body member or a header differs; not null
 * @param name for {@link Kind#BODY} an RFC 6901 JSON pointer such as {@code /requestId} (empty for
 *     the whole document); for {@link Kind#HEADER} the header name, lower case; not null
 * @param target the target's value as shown to a person, shortened to about 80 characters, or
 *     {@code absent}; not null
 * @param candidate the candidate's value, shown the same way; not null
 */
public record Difference(Kind kind, String name, String target, String candidate) {

  /** What differs. */
  public enum Kind {
    /** A member of a JSON body, named by a JSON pointer. */
    BODY,
    /** A response header, named in lower case. */
    HEADER
  }

  public Difference {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(target, "target is null");
    requireNonNull(candidate, "candidate is null");
  }
}

package io.handover.api;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parts of the responses a comparison leaves out on top of what the comparator was configured to
 * leave out: what the engine learned to be noise (see {@link Mirror#learnNoise()}). Handed to
 * {@link ResponseComparator#compare(ResponseSummary, ResponseSummary, Ignores)}.
 *
 * <p>Immutable and safe to share between threads; the engine reuses one instance until it learns
 * something new.
 *
 * @param jsonPointers RFC 6901 JSON pointers of body members to leave out; not null
 * @param headers header names to leave out, lower case; not null
 */
public record Ignores(Set<String> jsonPointers, Set<String> headers) {

  /** Nothing more to leave out. */
  public static final Ignores NONE = new Ignores(Set.of(), Set.of());

  public Ignores {
    jsonPointers = Set.copyOf(jsonPointers);
    headers = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** Whether there is nothing more to leave out. */
  public boolean isEmpty() {
    return jsonPointers.isEmpty() && headers.isEmpty();
  }
}

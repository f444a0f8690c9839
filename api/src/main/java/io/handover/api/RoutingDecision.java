package io.handover.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Where one request goes.
 *
 * <p>Immutable. If the target fails before the client has seen anything, the engine may still send
 * the request to an older version; a strategy does not need to plan for that.
 *
 * @param target the version to send the request to; not null
 * @param mirror a second version to send the request to and compare with, or null for none
 * @param cookies cookies to set on the response, whichever version answers; not null
 */
public record RoutingDecision(VersionInfo target, Mirror mirror, List<SetCookie> cookies) {

  public RoutingDecision {
    requireNonNull(target, "target is null");
    cookies = List.copyOf(cookies);
  }

  /** Send the request to {@code target}, set no cookie. */
  public static RoutingDecision to(VersionInfo target) {
    return new RoutingDecision(target, null, List.of());
  }

  /** Send the request to {@code target} and set the given cookies. */
  public static RoutingDecision to(VersionInfo target, List<SetCookie> cookies) {
    return new RoutingDecision(target, null, cookies);
  }
}

package io.handover.engine.admin;

/**
 * Whether the proxy should be sent traffic, for {@code GET /readyz}. Called on admin workers;
 * must not block.
 */
@FunctionalInterface
public interface Readiness {

  /** Why the proxy is not ready (shutting down, no active version), or null when it is. */
  String notReadyBecause();
}

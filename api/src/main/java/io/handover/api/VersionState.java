package io.handover.api;

/** The lifecycle state of a version as the engine sees it. */
public enum VersionState {
  /** Takes traffic as its place in the version order and the strategies say. */
  ACTIVE,
  /** Taken out of rotation, automatically or by an operator; gets no new traffic and no sticky clients. */
  ROLLED_BACK,
  /** Its members (containers) are being started; gets no traffic until they accept connections. */
  STARTING,
  /** Its members could not be started; gets no traffic, and the engine keeps nothing running for it. */
  FAILED,
  /**
   * Taken out of rotation for good once no sticky client used it any more (a newer version's
   * {@code retireWhenDrained}); gets no traffic, and its containers are stopped.
   */
  RETIRED
}

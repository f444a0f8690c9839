package io.handover.engine.registry;

/** What a request to change a version's state or stage did. */
public enum StateChange {
  /** The change was saved and published. */
  CHANGED,
  /** No version has that id. */
  UNKNOWN,
  /** The version was already in that state or past that stage, or changed meanwhile; nothing changed. */
  UNCHANGED
}

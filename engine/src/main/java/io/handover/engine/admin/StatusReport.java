package io.handover.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;

/** The read-only reports of the admin API beyond the cluster configuration. Called on workers. */
public interface StatusReport {

  /** The loaded strategies and comparators, with where each came from. */
  JsonNode plugins();

  /** Per version: state and why, servers and their health, strategy status, mirroring, recent outcomes, promotion and history. */
  JsonNode status();
}

package io.handover.engine.container;

/** The labels Handover puts on the containers it starts, by which it finds them again. */
public final class ContainerLabels {

  /** Names under this prefix are Handover's own. */
  public static final String PREFIX = "io.handover.";
  public static final String MANAGED = PREFIX + "managed";
  public static final String SCOPE = PREFIX + "scope";
  public static final String VERSION_ID = PREFIX + "version-id";
  public static final String VERSION = PREFIX + "version";
  public static final String SPEC = PREFIX + "spec";
  public static final String INDEX = PREFIX + "index";
  public static final String REPLICA = PREFIX + "replica";
  public static final String PORT = PREFIX + "port";

  private ContainerLabels() {}
}

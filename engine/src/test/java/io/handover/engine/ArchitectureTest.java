package io.handover.engine;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The engine's package arrows run one way. From the bottom: values and counters ({@code json},
 * {@code telemetry}, {@code cookie}, {@code plugin}), the {@code registry} of versions, then what
 * works on versions ({@code proxy}, {@code health}, {@code rollout}, {@code container}, with
 * {@code tls} under {@code proxy}: certificates and TLS contexts), then
 * {@code config}, the shared {@code store} (which the registry reaches only through its
 * ClusterStore interface), {@code admin}, the root package that wires them into a running proxy,
 * and {@code cli} on top.
 */
class ArchitectureTest {

  private static final JavaClasses ENGINE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.handover.engine");

  @Test
  void noPackageCycles() {
    slices().matching("io.handover.engine.(*)..").should().beFreeOfCycles().check(ENGINE);
  }

  @Test
  void layersOnlyUseLayersBelow() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("root").definedBy("io.handover.engine")
        .layer("cli").definedBy("io.handover.engine.cli..")
        .layer("admin").definedBy("io.handover.engine.admin..")
        .layer("store").definedBy("io.handover.engine.store..")
        .layer("config").definedBy("io.handover.engine.config..")
        .layer("proxy").definedBy("io.handover.engine.proxy..")
        .layer("tls").definedBy("io.handover.engine.tls..")
        .layer("health").definedBy("io.handover.engine.health..")
        .layer("rollout").definedBy("io.handover.engine.rollout..")
        .layer("container").definedBy("io.handover.engine.container..")
        .layer("registry").definedBy("io.handover.engine.registry..")
        .layer("plugin").definedBy("io.handover.engine.plugin..")
        .layer("cookie").definedBy("io.handover.engine.cookie..")
        .layer("telemetry").definedBy("io.handover.engine.telemetry..")
        .layer("json").definedBy("io.handover.engine.json..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("root").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("admin").mayOnlyBeAccessedByLayers("root", "cli")
        .whereLayer("store").mayOnlyBeAccessedByLayers("root", "cli")
        .whereLayer("config").mayOnlyBeAccessedByLayers("root", "cli", "admin", "store")
        .whereLayer("proxy").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config")
        .whereLayer("tls").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config", "proxy")
        .whereLayer("health").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config")
        .whereLayer("rollout").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config")
        .whereLayer("container").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config")
        .whereLayer("registry").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config", "proxy", "tls", "health", "rollout", "container", "store")
        .whereLayer("plugin").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config", "proxy", "health", "rollout", "registry")
        .whereLayer("cookie").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config", "plugin", "registry")
        .whereLayer("telemetry").mayOnlyBeAccessedByLayers("root", "cli", "admin", "config", "proxy", "health", "rollout", "registry",
            "container")
        .check(ENGINE);
  }

  @Test
  void theRegistryKnowsNoUndertowType() {
    ArchRuleDefinition.noClasses().that().resideInAnyPackage("io.handover.engine.registry..", "io.handover.engine.telemetry..",
            "io.handover.engine.rollout..", "io.handover.engine.health..", "io.handover.engine.container..")
        .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..")
        .check(ENGINE);
  }
}

package io.handover.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VersionSetTest {

  private static VersionInfo info(String id, String version, VersionState state) {
    return new VersionInfo(id, VersionNumber.parse(version), "INSTANT", state, 0);
  }

  @Test
  void skipsRolledBackVersions() {
    VersionInfo v3 = info("c", "3", VersionState.ROLLED_BACK);
    VersionInfo v2 = info("b", "2", VersionState.ACTIVE);
    VersionInfo v1 = info("a", "1", VersionState.ACTIVE);
    VersionSet set = VersionSet.of(List.of(v3, v2, v1));
    assertThat(set.newestActive()).hasValue(v2);
    assertThat(set.active()).containsExactly(v2, v1);
    assertThat(set.activeOlderThan(v2)).hasValue(v1);
    assertThat(set.activeOlderThan(v1)).isEmpty();
    assertThat(set.byId("c")).hasValue(v3);
    assertThat(set.activeById("c")).isEmpty();
    assertThat(set.activeById(null)).isEmpty();
  }

  @Test
  void emptySetHasNoNewest() {
    assertThat(VersionSet.empty().isEmpty()).isTrue();
    assertThat(VersionSet.empty().newestActive()).isEmpty();
  }
}

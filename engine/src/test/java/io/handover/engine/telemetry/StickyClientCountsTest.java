package io.handover.engine.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.api.VersionInfo;
import io.handover.api.VersionNumber;
import io.handover.api.VersionState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sticky clients per version: counted within a window, swept when idle, forgotten with their version. */
class StickyClientCountsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final StickyClientCounts counts = new StickyClientCounts(now::get);
  private final VersionInfo v1 = new VersionInfo("v1", VersionNumber.parse("1.0"), "SESSION", VersionState.ACTIVE, 0);

  @Test
  void countsEachClientOnceWithinTheWindowAndKeepsTheLastVisit() {
    counts.seen(v1, 1);
    counts.seen(v1, 1);
    now.addAndGet(5_000);
    counts.seen(v1, 2);
    StickyClientCounts.Count c = counts.count("v1", 10_000);
    assertThat(c.clients()).isEqualTo(2);
    assertThat(c.lastSeenMillis()).isEqualTo(1_005_000);
    assertThat(c.countingSinceMillis()).isEqualTo(1_000_000);
    assertThat(counts.count("v1", 10_000, false).clients()).isEqualTo(-1);

    now.addAndGet(6_000); // client 1 idle for 11 s, client 2 for 6 s
    assertThat(counts.count("v1", 10_000).clients()).isEqualTo(1);
    counts.sweep("v1", 10_000);
    assertThat(counts.count("v1", 60_000).clients()).as("swept out").isEqualTo(1);
  }

  @Test
  void aClientThatKeepsComingBackStaysCounted() {
    for (int i = 0; i < 20; i++) {
      counts.seen(v1, 7);
      now.addAndGet(1_500);
      counts.sweep("v1", 3_000);
    }
    assertThat(counts.count("v1", 3_000).clients()).isEqualTo(1);
  }

  @Test
  void aVersionThatWentIsForgotten() {
    counts.seen(v1, 1);
    counts.retainOnly(List.of("v2"));
    StickyClientCounts.Count c = counts.count("v1", 10_000);
    assertThat(c.clients()).isZero();
    assertThat(c.lastSeenMillis()).isZero();
  }
}

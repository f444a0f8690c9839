package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.InvalidSettingException;
import io.handover.api.Mirror;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ConcurrentStrategyTest {

  private final FakeContext context = FakeContext.at(1_700_000_000_000L);
  private final VersionInfo v1 = Versions.active("1.0", "INSTANT", 1);
  private final VersionInfo v2 = Versions.active("2.0", "SESSION", 2);
  private final VersionInfo v3 = Versions.active("3.0", "CONCURRENT", 3);

  private UpgradeStrategy create(Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("mode", "CONCURRENT");
    return new ConcurrentStrategyFactory().create(Settings.of(all), context);
  }

  private static List<String> names(Mirror m) {
    return m.comparators().stream().map(c -> ((StubComparator) c).name()).toList();
  }

  @Test
  void twoVersionsServeOldAndMirrorNewWithDefaults() {
    RoutingDecision d = create(Map.of()).decide(FakeRequest.get("/"), Versions.of(v3, v2));

    assertThat(d.target()).isEqualTo(v2);
    assertThat(d.cookies()).isEmpty();
    Mirror m = d.mirror();
    assertThat(m.candidate()).isEqualTo(v3);
    assertThat(names(m)).containsExactly("status", "headers", "body");
    assertThat(m.timeout()).isEqualTo(Duration.ofMillis(5000));
    assertThat(m.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(m.mirrorMethods()).containsExactly("GET", "HEAD", "OPTIONS");
    assertThat(m.noiseSampleRate()).isEqualTo(0.05);
    assertThat(m.learnNoise()).isFalse();
  }

  @Test
  void noiseSettingsReachTheMirrorAndAreChecked() {
    Mirror m = create(Map.of("noiseSampleRate", 0.25, "learnNoise", true)).decide(FakeRequest.get("/"), Versions.of(v3, v2)).mirror();
    assertThat(m.noiseSampleRate()).isEqualTo(0.25);
    assertThat(m.learnNoise()).isTrue();
    assertField(() -> create(Map.of("noiseSampleRate", 1.5)), "noiseSampleRate");
    assertField(() -> create(Map.of("noiseSampleRate", -0.1)), "noiseSampleRate");
    assertField(() -> create(Map.of("learnNoise", "yes")), "learnNoise");
  }

  @Test
  void threeVersionsCompareTheTwoNewest() {
    RoutingDecision d = create(Map.of()).decide(FakeRequest.get("/"), Versions.of(v3, v2, v1));
    assertThat(d.target()).isEqualTo(v2);
    assertThat(d.mirror().candidate()).isEqualTo(v3);

    VersionInfo v2Gone = Versions.rolledBack("2.0", "SESSION", 2);
    RoutingDecision skip = create(Map.of()).decide(FakeRequest.get("/"), Versions.of(v3, v2Gone, v1));
    assertThat(skip.target()).isEqualTo(v1);
  }

  @Test
  void oneVersionIsPlainRouting() {
    RoutingDecision d = create(Map.of()).decide(FakeRequest.get("/"), Versions.of(v3));
    assertThat(d.target()).isEqualTo(v3);
    assertThat(d.mirror()).isNull();
    assertThat(d.cookies()).isEmpty();
  }

  @Test
  void decisionIsReusedUntilTheVersionsChange() {
    UpgradeStrategy s = create(Map.of());
    var pair = Versions.of(v3, v2);
    RoutingDecision first = s.decide(FakeRequest.get("/a"), pair);
    assertThat(s.decide(FakeRequest.get("/b"), pair)).isSameAs(first);

    RoutingDecision other = s.decide(FakeRequest.get("/"), Versions.of(v3, v1));
    assertThat(other.target()).isEqualTo(v1);
    assertThat(other.mirror().comparators()).isEqualTo(first.mirror().comparators());
  }

  @Test
  void givenComparatorsAndTheirSettingsAreUsed() {
    UpgradeStrategy s = create(Map.of(
        "comparators", List.of("Status", "latency"),
        "comparatorSettings", Map.of("LATENCY", Map.of("maxMillis", 50)),
        "timeoutMillis", 250,
        "maxBodyBytes", 4096));
    Mirror m = s.decide(FakeRequest.get("/"), Versions.of(v3, v2)).mirror();

    assertThat(names(m)).containsExactly("status", "latency");
    assertThat(((StubComparator) m.comparators().get(0)).settings().keys()).isEmpty();
    assertThat(((StubComparator) m.comparators().get(1)).settings().asMap()).containsEntry("maxMillis", 50);
    assertThat(m.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(m.maxBodyBytes()).isEqualTo(4096);
    assertThat(s.status()).containsEntry("comparators", List.of("Status", "latency"))
        .containsEntry("timeoutMillis", 250L);
  }

  @Test
  void emptyComparatorListIsAllowed() {
    Mirror m = create(Map.of("comparators", List.of())).decide(FakeRequest.get("/"), Versions.of(v3, v2)).mirror();
    assertThat(m.comparators()).isEmpty();
  }

  @Test
  void unknownComparatorNamesItsEntry() {
    assertThatThrownBy(() -> create(Map.of("comparators", List.of("status", "telepathy"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith("comparators[1]")
        .hasMessageContaining("telepathy")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("comparators[1]");
  }

  @Test
  void comparatorSettingErrorsCarryTheirPath() {
    assertField(() -> create(Map.of("comparators", List.of("strict"),
        "comparatorSettings", Map.of("strict", Map.of("bad", true)))), "comparatorSettings.strict.bad");
    assertField(() -> create(Map.of("comparatorSettings", Map.of("latency", Map.of()))), "comparatorSettings.latency");
    assertField(() -> create(Map.of("comparatorSettings", Map.of("status", 5))), "comparatorSettings.status");
    assertField(() -> create(Map.of("comparatorSettings", List.of())), "comparatorSettings");
  }

  @Test
  void comparatorListIsValidated() {
    assertField(() -> create(Map.of("comparators", List.of("status", "STATUS"))), "comparators[1]");
    assertField(() -> create(Map.of("comparators", List.of("status", " "))), "comparators[1]");
    assertField(() -> create(Map.of("comparators", List.of("status", 7))), "comparators[1]");
  }

  @Test
  void mirrorMethodsAreUpperCasedAndChecked() {
    Mirror m = create(Map.of("mirrorMethods", List.of("get", " post", "Get", "PROPFIND")))
        .decide(FakeRequest.get("/"), Versions.of(v3, v2)).mirror();
    assertThat(m.mirrorMethods()).containsExactly("GET", "POST", "PROPFIND");

    assertField(() -> create(Map.of("mirrorMethods", List.of())), "mirrorMethods");
    assertField(() -> create(Map.of("mirrorMethods", List.of("GET", "GE T"))), "mirrorMethods[1]");
  }

  @Test
  void numbersAreValidated() {
    assertField(() -> create(Map.of("timeoutMillis", 0)), "timeoutMillis");
    assertField(() -> create(Map.of("timeoutMillis", 1.5)), "timeoutMillis");
    assertField(() -> create(Map.of("maxBodyBytes", -1)), "maxBodyBytes");
    assertField(() -> create(Map.of("maxBodyBytes", "lots")), "maxBodyBytes");
  }

  @Test
  void unknownSettingIsRejected() {
    assertThatThrownBy(() -> create(Map.of("comparator", List.of("status"))))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("is not a setting of CONCURRENT")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("comparator");
  }

  private static void assertField(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidSettingException.class)
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo(field);
  }
}

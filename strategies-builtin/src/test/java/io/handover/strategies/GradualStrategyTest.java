package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.InvalidSettingException;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class GradualStrategyTest {

  private static final long T0 = 1_700_000_000_000L;

  private final FakeContext context = FakeContext.at(T0);
  private final VersionInfo v1 = Versions.active("1.0", "INSTANT", T0 - 3_600_000);
  private final VersionInfo v2 = Versions.active("2.0", "GRADUAL", T0);
  private final VersionSet both = Versions.of(v2, v1);

  private UpgradeStrategy create(Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("mode", "GRADUAL");
    return new GradualStrategyFactory().create(Settings.of(all), context);
  }

  private static final List<Map<String, Object>> STEPS = List.of(
      Map.of("percentage", 10, "seconds", 300),
      Map.of("percentage", 50, "seconds", 600),
      Map.of("percentage", 100, "seconds", 0));

  /** A signed cookie whose client falls in {@code bucket} for the rollout of v2. */
  private String cookieInBucket(int bucket) {
    long client = 0;
    while (GradualStrategy.bucket(client, v2.id()) != bucket) {
      client++;
    }
    return context.cookieSigner().sign(HexFormat.of().toHexDigits(client));
  }

  private RoutingDecision decide(UpgradeStrategy s, String cookie) {
    return s.decide(cookie == null ? FakeRequest.get("/") : FakeRequest.withCookie("transition", cookie), both);
  }

  @Test
  void shareGrowsByPercentagePerRoutedRequest() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 10));
    assertThat(s.status()).containsEntry("share", 0L).containsEntry("routedRequests", 0L)
        .containsEntry("ramp", "per-request");

    for (int i = 1; i <= 12; i++) {
      decide(s, null);
      assertThat(s.status().get("share")).as("after %d requests", i).isEqualTo(Math.min(100L, 10L * i));
    }
    // Counting stops once the rollout is complete.
    assertThat(s.status()).containsEntry("routedRequests", 10L);
  }

  @Test
  void clientsKeptOnTheOlderVersionAreToldByTheirCookiesId() {
    UpgradeStrategy s = create(Map.of("steps", STEPS));
    String behind = cookieInBucket(70);
    String ahead = cookieInBucket(5);
    decide(s, behind);
    decide(s, behind);
    decide(s, ahead);
    assertThat(context.seen()).hasSize(2).allMatch(seen -> seen.startsWith(v1.id() + "/"));
    assertThat(context.seen().stream().distinct()).hasSize(1);

    context.clock().set(T0 + 900_000);
    decide(s, behind);
    assertThat(context.seen()).as("at 100 %% nobody stays behind").hasSize(2);
  }

  @Test
  void trafficShareIsTheShareAsAFraction() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", "12.5"));
    assertThat(s.trafficShare()).hasValue(0.0);
    decide(s, null);
    assertThat(s.trafficShare()).hasValue(0.125);
    for (int i = 0; i < 10; i++) {
      decide(s, null);
    }
    assertThat(s.trafficShare()).hasValue(1.0);
    assertThat(s.status()).containsEntry("share", 100L);
  }

  @Test
  void trafficShareFollowsTheSteps() {
    UpgradeStrategy s = create(Map.of("steps", STEPS));
    decide(s, null);
    assertThat(s.trafficShare()).hasValue(0.1);
    context.clock().set(T0 + 300_000);
    assertThat(s.trafficShare()).hasValue(0.5);
    context.clock().advance(Duration.ofSeconds(600));
    assertThat(s.trafficShare()).hasValue(1.0);
  }

  @Test
  void fractionalPercentageAddsUpExactly() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", "0.1"));
    for (int i = 0; i < 30; i++) {
      decide(s, null);
    }
    assertThat(s.status()).containsEntry("share", 3L);
    decide(s, null);
    assertThat(s.status()).containsEntry("share", 3.1);
  }

  @Test
  void clientMovesWhenShareExceedsItsBucket() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 10));
    String cookie = cookieInBucket(20);
    List<VersionInfo> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RoutingDecision d = decide(s, cookie);
      targets.add(d.target());
      assertThat(d.cookies()).isEmpty();
    }
    // Shares seen: 0, 10, 20 (not above bucket 20), then 30, 40, 50.
    assertThat(targets).containsExactly(v1, v1, v1, v2, v2, v2);
  }

  @Test
  void nobodyMovesBeforeTheFirstRoutedRequest() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 100));
    assertThat(decide(s, cookieInBucket(0)).target()).isEqualTo(v1);
    assertThat(decide(s, cookieInBucket(99)).target()).isEqualTo(v2);
  }

  @Test
  void newClientGetsSignedIdCookie() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 1));
    RoutingDecision d = decide(s, null);

    assertThat(d.target()).isEqualTo(v1);
    assertThat(d.cookies()).hasSize(1);
    assertThat(d.cookies().get(0).name()).isEqualTo("transition");
    assertThat(d.cookies().get(0).maxAgeSeconds()).isEqualTo(GradualStrategy.COOKIE_MAX_AGE_SECONDS);
    assertThat(context.cookieSigner().verify(d.cookies().get(0).value())).hasValueSatisfying(
        p -> assertThat(p).matches("[0-9a-f]{16}"));
  }

  @Test
  void forgedCookieCannotPickABucket() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 1));
    String genuine = cookieInBucket(0);
    String payload = genuine.substring(0, genuine.lastIndexOf('.'));
    String unsigned = payload;
    String otherKey = new HmacSigner("another-secret-9876543210").sign(payload);
    decide(s, null);
    // The share is now 1, so only bucket 0 would go to the new version.

    for (String forged : List.of(unsigned, otherKey, context.cookieSigner().sign("not-hex-01234567"))) {
      RoutingDecision d = decide(s, forged);
      assertThat(d.cookies()).as(forged).hasSize(1);
      assertThat(d.cookies().get(0).value()).isNotEqualTo(genuine);
    }
    assertThat(decide(s, genuine).target()).isEqualTo(v2);
  }

  @Test
  void everyClientEndsOnNewVersionAndNeverMovesBack() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 0.5));
    List<String> cookies = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      cookies.add(decide(s, null).cookies().get(0).value());
    }
    boolean[] moved = new boolean[cookies.size()];
    int sawOld = 0;
    for (int round = 0; round < 3; round++) {
      for (int c = 0; c < cookies.size(); c++) {
        VersionInfo target = decide(s, cookies.get(c)).target();
        if (moved[c]) {
          assertThat(target).as("client %d in round %d", c, round).isEqualTo(v2);
        }
        moved[c] |= target.equals(v2);
        sawOld += target.equals(v1) ? 1 : 0;
      }
    }
    assertThat(sawOld).isPositive();
    assertThat(moved).containsOnly(true);
    assertThat(s.status()).containsEntry("share", 100L);
    RoutingDecision fresh = decide(s, null);
    assertThat(fresh.target()).isEqualTo(v2);
    assertThat(fresh.cookies()).isEmpty();
  }

  @Test
  void oneActiveVersionGetsEverything() {
    UpgradeStrategy s = create(Map.of("percentageTransitionPerRequest", 1));
    VersionSet onlyNew = Versions.of(v2, Versions.rolledBack("1.0", "INSTANT", v1.addedAtMillis()));

    RoutingDecision d = s.decide(FakeRequest.get("/"), onlyNew);
    assertThat(d.target()).isEqualTo(v2);
    assertThat(d.cookies()).isEmpty();
    assertThat(s.decide(FakeRequest.withCookie("transition", cookieInBucket(99)), Versions.of(v2)).target())
        .isEqualTo(v2);
    assertThat(s.status()).containsEntry("routedRequests", 0L);
  }

  @Test
  void stepsFollowTheClockFromWhenTheVersionWasAdded() {
    UpgradeStrategy s = create(Map.of("steps", STEPS));
    String bucket5 = cookieInBucket(5);
    String bucket30 = cookieInBucket(30);
    String bucket60 = cookieInBucket(60);

    assertThat(decide(s, bucket5).target()).isEqualTo(v2);
    assertThat(decide(s, bucket30).target()).isEqualTo(v1);
    assertThat(s.status()).containsEntry("share", 10L).containsEntry("ramp", "steps");

    context.clock().set(T0 + 299_999);
    assertThat(decide(s, bucket30).target()).isEqualTo(v1);

    context.clock().set(T0 + 300_000);
    assertThat(decide(s, bucket30).target()).isEqualTo(v2);
    assertThat(decide(s, bucket60).target()).isEqualTo(v1);
    assertThat(s.status()).containsEntry("share", 50L);

    context.clock().advance(Duration.ofSeconds(600));
    assertThat(decide(s, bucket60).target()).isEqualTo(v2);
    assertThat(s.status()).containsEntry("share", 100L).containsEntry("routedRequests", 5L);
  }

  @Test
  void stepsEndAtFullShareEvenWithoutAFinalHundred() {
    UpgradeStrategy s = create(Map.of("steps", List.of(Map.of("percentage", 20, "seconds", 60))));
    String bucket90 = cookieInBucket(90);

    assertThat(decide(s, bucket90).target()).isEqualTo(v1);
    context.clock().advance(Duration.ofSeconds(60));
    assertThat(decide(s, bucket90).target()).isEqualTo(v2);
  }

  @Test
  void versionAddedInTheFutureStartsAtFirstStep() {
    UpgradeStrategy s = create(Map.of("steps", STEPS));
    VersionInfo future = Versions.active("2.0", "GRADUAL", T0 + 60_000);
    RoutingDecision d = s.decide(FakeRequest.withCookie("transition", cookieInBucket(5)), Versions.of(future, v1));
    assertThat(d.target()).isEqualTo(future);
    assertThat(s.status()).containsEntry("share", 10L);
  }

  @Test
  void exactlyOneRampMustBeGiven() {
    assertField(() -> create(Map.of()), "percentageTransitionPerRequest");
    assertField(() -> create(Map.of("percentageTransitionPerRequest", 5, "steps", STEPS)), "steps");
  }

  @Test
  void perRequestPercentageIsValidated() {
    for (Object bad : List.of(0, -1, 100.5, "x", 0.0000001)) {
      assertField(() -> create(Map.of("percentageTransitionPerRequest", bad)), "percentageTransitionPerRequest");
    }
    assertThat(decide(create(Map.of("percentageTransitionPerRequest", 100)), null).target()).isEqualTo(v1);
  }

  @Test
  void stepsAreValidated() {
    assertField(() -> create(Map.of("steps", "fast")), "steps");
    assertField(() -> create(Map.of("steps", List.of())), "steps");
    assertField(() -> create(Map.of("steps", List.of(5))), "steps[0]");
    assertField(() -> create(Map.of("steps", List.of(Map.of("seconds", 5)))), "steps[0].percentage");
    assertField(() -> create(Map.of("steps", List.of(Map.of("percentage", 101, "seconds", 5)))),
        "steps[0].percentage");
    assertField(() -> create(Map.of("steps", List.of(Map.of("percentage", 10)))), "steps[0].seconds");
    assertField(() -> create(Map.of("steps", List.of(Map.of("percentage", 10, "seconds", -1)))),
        "steps[0].seconds");
    assertField(() -> create(Map.of("steps", List.of(Map.of("percentage", 10, "seconds", 5, "pace", 1)))),
        "steps[0].pace");
    assertField(() -> create(Map.of("steps", List.of(
        Map.of("percentage", 50, "seconds", 5), Map.of("percentage", 40, "seconds", 5)))), "steps[1].percentage");
  }

  @Test
  void otherSettingsAreValidated() {
    assertField(() -> create(Map.of("percentageTransitionPerRequest", 5, "sessionTimeout", 60)), "sessionTimeout");
    assertField(() -> create(Map.of("percentageTransitionPerRequest", 5, "cookieName", "a;b")), "cookieName");
    UpgradeStrategy named = create(Map.of("percentageTransitionPerRequest", 5, "cookieName", "rollout"));
    assertThat(decide(named, null).cookies().get(0).name()).isEqualTo("rollout");
  }

  private static void assertField(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOf(InvalidSettingException.class)
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo(field);
  }
}

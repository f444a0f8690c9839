package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.InvalidSettingException;
import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionStrategyTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long NOW = T0 / 1000;

  private final FakeContext context = FakeContext.at(T0);
  private final VersionInfo v1 = Versions.active("1.0", "INSTANT", T0 - 100_000);
  private final VersionInfo v2 = Versions.active("2.0", "SESSION", T0 - 10_000);
  private final VersionSet both = Versions.of(v2, v1);

  private UpgradeStrategy strategy(Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>(Map.of("mode", "SESSION", "sessionTimeout", 60));
    settings.putAll(extra);
    return new SessionStrategyFactory().create(Settings.of(settings), context);
  }

  private String signed(VersionInfo v, long expiry) {
    return context.cookieSigner().sign(v.id() + ":" + expiry);
  }

  private String payloadOf(RoutingDecision d) {
    return context.cookieSigner().verify(d.cookies().get(0).value()).orElseThrow();
  }

  @Test
  void newClientGoesToNewestWithSignedCookie() {
    RoutingDecision d = strategy(Map.of()).decide(FakeRequest.get("/"), both);

    assertThat(d.target()).isEqualTo(v2);
    assertThat(d.mirror()).isNull();
    assertThat(d.cookies()).hasSize(1);
    SetCookie c = d.cookies().get(0);
    assertThat(c.name()).isEqualTo("dynsoftup");
    assertThat(c.maxAgeSeconds()).isEqualTo(60);
    assertThat(c.headerValue()).contains("Path=/", "HttpOnly", "SameSite=Lax");
    assertThat(payloadOf(d)).matches(v2.id() + ":" + (NOW + 60) + ":[0-9a-f]{16}");
  }

  @Test
  void sessionOnOlderActiveVersionStaysThere() {
    RoutingDecision d = strategy(Map.of()).decide(FakeRequest.withCookie("dynsoftup", signed(v1, NOW + 30)), both);

    assertThat(d.target()).isEqualTo(v1);
    assertThat(payloadOf(d)).matches(v1.id() + ":" + (NOW + 60) + ":[0-9a-f]{16}");
  }

  @Test
  void expiryMovesWithEveryRequest() {
    UpgradeStrategy s = strategy(Map.of());
    String cookie = signed(v1, NOW + 60);
    for (int i = 1; i <= 5; i++) {
      // 5 x 50 s is far past the first expiry, but no gap reaches the 60 s timeout.
      context.clock().advance(Duration.ofSeconds(50));
      RoutingDecision d = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both);
      assertThat(d.target()).isEqualTo(v1);
      assertThat(payloadOf(d)).matches(v1.id() + ":" + (NOW + 50L * i + 60) + ":[0-9a-f]{16}");
      cookie = d.cookies().get(0).value();
    }
  }

  @Test
  void aCookieIssuedInTheSameSecondIsNotSentAgainAndTheNextSecondSlidesIt() {
    UpgradeStrategy s = strategy(Map.of());
    String cookie = s.decide(FakeRequest.withCookie("dynsoftup", signed(v1, NOW + 30)), both).cookies().get(0).value();

    context.clock().advance(Duration.ofMillis(999));
    RoutingDecision same = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both);
    assertThat(same.target()).isEqualTo(v1);
    assertThat(same.cookies()).as("the client holds what a new cookie would say").isEmpty();

    context.clock().advance(Duration.ofMillis(1));
    RoutingDecision next = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both);
    assertThat(next.target()).isEqualTo(v1);
    assertThat(payloadOf(next)).startsWith(v1.id() + ":" + (NOW + 61) + ":");
    assertThat(context.seen()).as("each visit is noted, with or without a new cookie").hasSize(3);
  }

  @Test
  void aCookieOfTheOlderFormIsIssuedAgainWithAClientEvenInTheSameSecond() {
    RoutingDecision d = strategy(Map.of()).decide(FakeRequest.withCookie("dynsoftup", signed(v1, NOW + 60)), both);
    assertThat(d.target()).isEqualTo(v1);
    assertThat(payloadOf(d)).matches(v1.id() + ":" + (NOW + 60) + ":[0-9a-f]{16}");
  }

  @Test
  void aClientKeptOnTheOlderVersionIsToldWithTheSameIdEveryTime() {
    UpgradeStrategy s = strategy(Map.of());
    String fresh = s.decide(FakeRequest.get("/"), both).cookies().get(0).value();
    assertThat(context.seen()).as("a new session on the newest version is no sticky client of an older one").isEmpty();

    String cookie = signed(v1, NOW + 30);
    for (int i = 0; i < 3; i++) {
      context.clock().advance(Duration.ofSeconds(2));
      cookie = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both).cookies().get(0).value();
    }
    assertThat(context.seen()).hasSize(3).allMatch(seen -> seen.startsWith(v1.id() + "/"));
    assertThat(context.seen().stream().distinct()).as("one client, one id").hasSize(1);
    assertThat(s.decide(FakeRequest.withCookie("dynsoftup", fresh), both).target()).isEqualTo(v2);
    assertThat(context.seen()).hasSize(3);
  }

  @Test
  void idleSessionEndsAndGoesToNewest() {
    UpgradeStrategy s = strategy(Map.of());
    String cookie = s.decide(FakeRequest.withCookie("dynsoftup", signed(v1, NOW + 1)), both).cookies().get(0).value();

    context.clock().advance(Duration.ofSeconds(59));
    assertThat(s.decide(FakeRequest.withCookie("dynsoftup", cookie), both).target()).isEqualTo(v1);

    context.clock().set(T0 + 60_000);
    RoutingDecision expired = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both);
    assertThat(expired.target()).isEqualTo(v2);
    assertThat(payloadOf(expired)).startsWith(v2.id() + ":");
  }

  @Test
  void forgedOrUnsignedCookieIsANewSession() {
    UpgradeStrategy s = strategy(Map.of());
    String genuine = signed(v1, NOW + 30);
    String tampered = genuine.substring(0, genuine.length() - 2) + (genuine.endsWith("AA") ? "BB" : "AA");
    String otherKey = new HmacSigner("another-secret-9876543210").sign(v1.id() + ":" + (NOW + 30));
    String unsigned = v1.id() + ":" + (NOW + 30);
    String swappedPayload = v1.id() + ":" + (NOW + 30000) + genuine.substring(genuine.lastIndexOf('.'));

    for (String cookie : new String[] {tampered, otherKey, unsigned, swappedPayload, "", "."}) {
      RoutingDecision d = s.decide(FakeRequest.withCookie("dynsoftup", cookie), both);
      assertThat(d.target()).as(cookie).isEqualTo(v2);
      assertThat(payloadOf(d)).startsWith(v2.id() + ":");
    }
  }

  @Test
  void malformedPayloadIsANewSession() {
    UpgradeStrategy s = strategy(Map.of());
    String[] payloads = {"garbage", v1.id() + ":soon", v1.id() + ":", ":" + (NOW + 30), v1.id(),
        v1.id() + "x:" + (NOW + 30), v1.id() + ":" + (NOW + 30) + ":1"};
    for (String payload : payloads) {
      RoutingDecision d = s.decide(FakeRequest.withCookie("dynsoftup", context.cookieSigner().sign(payload)), both);
      assertThat(d.target()).as(payload).isEqualTo(v2);
    }
  }

  @Test
  void cookieForDeletedOrRolledBackVersionGoesToNewest() {
    UpgradeStrategy s = strategy(Map.of());
    String cookie = signed(v1, NOW + 30);

    assertThat(s.decide(FakeRequest.withCookie("dynsoftup", cookie), Versions.of(v2)).target()).isEqualTo(v2);
    VersionSet rolledBack = Versions.of(v2, Versions.rolledBack("1.0", "INSTANT", v1.addedAtMillis()));
    RoutingDecision d = s.decide(FakeRequest.withCookie("dynsoftup", cookie), rolledBack);
    assertThat(d.target()).isEqualTo(v2);
    assertThat(payloadOf(d)).startsWith(v2.id() + ":");
  }

  @Test
  void cookieNameCanBeChosen() {
    UpgradeStrategy s = strategy(Map.of("cookieName", "sticky"));

    assertThat(s.decide(FakeRequest.withCookie("sticky", signed(v1, NOW + 30)), both).target()).isEqualTo(v1);
    RoutingDecision ignored = s.decide(FakeRequest.withCookie("dynsoftup", signed(v1, NOW + 30)), both);
    assertThat(ignored.target()).isEqualTo(v2);
    assertThat(ignored.cookies().get(0).name()).isEqualTo("sticky");
  }

  @Test
  void statusShowsSettings() {
    assertThat(strategy(Map.of()).status()).containsEntry("sessionTimeout", 60L).containsEntry("cookieName", "dynsoftup");
  }

  @Test
  void sessionTimeoutIsRequired() {
    assertThatThrownBy(() -> new SessionStrategyFactory().create(Settings.of(Map.of("mode", "SESSION")), context))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("required")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("sessionTimeout");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "1.5", "abc", "99999999999"})
  void invalidSessionTimeoutIsRejected(String value) {
    Settings settings = Settings.of(Map.of("mode", "SESSION", "sessionTimeout", value));
    assertThatThrownBy(() -> new SessionStrategyFactory().create(settings, context))
        .isInstanceOf(InvalidSettingException.class)
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("sessionTimeout");
  }

  @Test
  void numericStringTimeoutIsAccepted() {
    UpgradeStrategy s = new SessionStrategyFactory().create(
        Settings.of(Map.of("mode", "SESSION", "sessionTimeout", "90")), context);
    assertThat(s.decide(FakeRequest.get("/"), both).cookies().get(0).maxAgeSeconds()).isEqualTo(90);
  }

  @Test
  void unknownSettingAndBadCookieNameAreRejected() {
    assertThatThrownBy(() -> strategy(Map.of("sessionTimeot", 5)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("is not a setting of SESSION")
        .hasMessageContaining("sessionTimeout")
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("sessionTimeot");
    assertThatThrownBy(() -> strategy(Map.of("cookieName", "a b")))
        .isInstanceOf(InvalidSettingException.class)
        .extracting(e -> ((InvalidSettingException) e).field()).isEqualTo("cookieName");
  }
}

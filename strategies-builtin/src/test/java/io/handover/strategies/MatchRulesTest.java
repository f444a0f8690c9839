package io.handover.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handover.api.InvalidSettingException;
import io.handover.api.RoutingDecision;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MatchRulesTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final List<Map<String, Object>> RULES = List.of(
      Map.of("header", "X-Canary", "equals", "1"),
      Map.of("cookie", "beta", "equals", "yes"),
      Map.of("header", "X-User", "regex", "^test-"));

  private final FakeContext context = FakeContext.at(T0);
  private final VersionInfo v1 = Versions.active("1.0", "INSTANT", T0 - 3_600_000);
  private final VersionInfo v2 = Versions.active("2.0", "GRADUAL", T0);
  private final VersionSet both = Versions.of(v2, v1);

  private UpgradeStrategy create(UpgradeStrategyFactory factory, Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("mode", factory.name());
    return factory.create(Settings.of(all), context);
  }

  private UpgradeStrategy withRules(UpgradeStrategyFactory factory, Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("match", RULES);
    return create(factory, all);
  }

  private static FakeRequest request(Map<String, String> headers, Map<String, String> cookies) {
    return new FakeRequest("GET", "/", headers, cookies);
  }

  /** One request per rule kind that satisfies it, and requests close to them that do not. */
  private static final List<FakeRequest> MATCHING = List.of(
      request(Map.of("x-canary", "1"), Map.of()),
      request(Map.of(), Map.of("beta", "yes")),
      request(Map.of("X-User", "test-42"), Map.of()));
  private static final List<FakeRequest> NOT_MATCHING = List.of(
      FakeRequest.get("/"),
      request(Map.of("X-Canary", "0"), Map.of()),
      request(Map.of("X-Canary", "1 "), Map.of()),
      request(Map.of("beta", "yes"), Map.of("beta", "YES")),
      request(Map.of("X-User", "a-test-42"), Map.of()),
      request(Map.of(), Map.of("X-Canary", "1")));

  private void assertMatchingGoToV2(UpgradeStrategy s) {
    for (FakeRequest r : MATCHING) {
      RoutingDecision d = s.decide(r, both);
      assertThat(d.target()).as("%s", r).isEqualTo(v2);
      assertThat(d.mirror()).as("%s", r).isNull();
      assertThat(d.cookies()).as("%s", r).isEmpty();
    }
  }

  @Test
  void gradualAtZeroPercentSendsTestersToTheNewVersionAndOthersToTheOld() {
    UpgradeStrategy s = withRules(new GradualStrategyFactory(), Map.of("steps", List.of(Map.of("percentage", 0, "seconds", 3600))));

    assertMatchingGoToV2(s);
    for (FakeRequest r : NOT_MATCHING) {
      assertThat(s.decide(r, both).target()).as("%s", r).isEqualTo(v1);
    }
    assertThat(s.status()).containsEntry("matchRules", 3).containsEntry("matchedRequests", 3L).containsEntry("share", 0L);
    assertThat(s.trafficShare()).hasValue(0.0);
  }

  @Test
  void matchedRequestsDoNotMoveAPerRequestRamp() {
    UpgradeStrategy s = withRules(new GradualStrategyFactory(), Map.of("percentageTransitionPerRequest", 10));
    for (int i = 0; i < 5; i++) {
      assertMatchingGoToV2(s);
    }
    assertThat(s.status()).containsEntry("routedRequests", 0L).containsEntry("matchedRequests", 15L);
    s.decide(FakeRequest.get("/"), both);
    assertThat(s.status()).containsEntry("routedRequests", 1L);
  }

  @Test
  void concurrentSendsAMatchingRequestToTheCandidateOnlyAndMirrorsTheOthers() {
    UpgradeStrategy s = withRules(new ConcurrentStrategyFactory(), Map.of());

    assertMatchingGoToV2(s);
    for (FakeRequest r : NOT_MATCHING) {
      RoutingDecision d = s.decide(r, both);
      assertThat(d.target()).as("%s", r).isEqualTo(v1);
      assertThat(d.mirror().candidate()).as("%s", r).isEqualTo(v2);
    }
  }

  @Test
  void sessionSendsAMatchingRequestToTheNewVersionEvenFromASessionOnTheOld() {
    UpgradeStrategy s = withRules(new SessionStrategyFactory(), Map.of("sessionTimeout", 600));
    // issued 300 s ago, so the request without a match renews it
    String onV1 = context.cookieSigner().sign(SessionStrategy.payload(v1.id(), T0 / 1000 + 300, 42));

    for (FakeRequest r : MATCHING) {
      Map<String, String> cookies = new HashMap<>(r.cookies());
      cookies.put("dynsoftup", onV1);
      RoutingDecision d = s.decide(new FakeRequest("GET", "/", r.headers(), cookies), both);
      assertThat(d.target()).isEqualTo(v2);
      assertThat(d.cookies()).isEmpty();
    }
    RoutingDecision plain = s.decide(FakeRequest.withCookie("dynsoftup", onV1), both);
    assertThat(plain.target()).isEqualTo(v1);
    assertThat(plain.cookies()).hasSize(1);
  }

  @Test
  void instantSendsEveryRequestToTheNewestVersionWithOrWithoutAMatch() {
    UpgradeStrategy s = withRules(new InstantStrategyFactory(), Map.of());
    assertMatchingGoToV2(s);
    for (FakeRequest r : NOT_MATCHING) {
      assertThat(s.decide(r, both).target()).isEqualTo(v2);
    }
    assertThat(s.status()).containsEntry("matchedRequests", 3L);
  }

  @Test
  void withoutRulesTheModesStrategyIsUsedAsItIs() {
    assertThat(create(new InstantStrategyFactory(), Map.of())).isSameAs(InstantStrategyFactory.INSTANT);
    assertThat(create(new SessionStrategyFactory(), Map.of("sessionTimeout", 1))).isInstanceOf(SessionStrategy.class);
  }

  @Test
  void aMatchingRequestOnASingleVersionGoesToIt() {
    UpgradeStrategy s = withRules(new ConcurrentStrategyFactory(), Map.of());
    assertThat(s.decide(MATCHING.get(0), Versions.of(v2)).target()).isEqualTo(v2);
    assertThat(s.decide(FakeRequest.get("/"), Versions.of(v2)).target()).isEqualTo(v2);
  }

  @Test
  void aRegexIsSearchedNotMatchedWhole() {
    UpgradeStrategy s = withRules(new GradualStrategyFactory(), Map.of("steps", List.of(Map.of("percentage", 0, "seconds", 60))),
        List.of(Map.of("cookie", "group", "regex", "beta|canary")));
    assertThat(s.decide(request(Map.of(), Map.of("group", "early-canary-1")), both).target()).isEqualTo(v2);
    assertThat(s.decide(request(Map.of(), Map.of("group", "stable")), both).target()).isEqualTo(v1);
  }

  private UpgradeStrategy withRules(UpgradeStrategyFactory factory, Map<String, Object> settings, Object rules) {
    Map<String, Object> all = new HashMap<>(settings);
    all.put("match", rules);
    return create(factory, all);
  }

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        Arguments.of("no header or cookie", Map.of("equals", "1"), "match[1].header", "is required unless cookie is given"),
        Arguments.of("header and cookie", Map.of("header", "X-A", "cookie", "a", "equals", "1"), "match[1].cookie",
            "cannot be combined with header"),
        Arguments.of("bad regex", Map.of("header", "X-A", "regex", "(unclosed"), "match[1].regex", "is not a valid regular expression"),
        Arguments.of("no equals or regex", Map.of("header", "X-A"), "match[1].equals", "is required unless regex is given"),
        Arguments.of("equals and regex", Map.of("header", "X-A", "equals", "1", "regex", "1"), "match[1].regex",
            "cannot be combined with equals"),
        Arguments.of("unknown key", Map.of("header", "X-A", "equals", "1", "value", "2"), "match[1].value",
            "is not a setting of a match rule"),
        Arguments.of("blank header", Map.of("header", " ", "equals", "1"), "match[1].header", "must be a header name"),
        Arguments.of("header with a space", Map.of("header", "X A", "equals", "1"), "match[1].header", "must be a header name"),
        Arguments.of("cookie not text", Map.of("cookie", List.of("a"), "equals", "1"), "match[1].cookie", "must be a string"),
        Arguments.of("rule not an object", "X-Canary", "match[1]", "must be an object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRules")
  void anInvalidRuleIsRejectedNamingItsField(String name, Object second, String field, String message) {
    List<Object> rules = List.of(Map.of("header", "X-Canary", "equals", "1"), second);
    for (UpgradeStrategyFactory factory : List.of(new InstantStrategyFactory(), new SessionStrategyFactory(),
        new GradualStrategyFactory(), new ConcurrentStrategyFactory())) {
      Map<String, Object> settings = switch (factory.name()) {
        case "SESSION" -> Map.of("sessionTimeout", 60);
        case "GRADUAL" -> Map.of("percentageTransitionPerRequest", 1);
        default -> Map.of();
      };
      assertThatThrownBy(() -> withRules(factory, settings, rules))
          .as(factory.name())
          .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.field()).isEqualTo(field))
          .hasMessageStartingWith(field + " ")
          .hasMessageContaining(message);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "object"})
  void matchMustBeANonEmptyListOfRules(String kind) {
    Object value = kind.equals("list") ? List.of() : Map.of("header", "X-Canary", "equals", "1");
    assertThatThrownBy(() -> withRules(new InstantStrategyFactory(), Map.of(), value))
        .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.field()).isEqualTo("match"));
  }
}

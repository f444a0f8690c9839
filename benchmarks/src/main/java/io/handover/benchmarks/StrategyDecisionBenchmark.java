package io.handover.benchmarks;

import io.handover.api.RoutingDecision;
import io.handover.api.SetCookie;
import io.handover.api.Settings;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import io.handover.api.VersionInfo;
import io.handover.api.VersionNumber;
import io.handover.api.VersionSet;
import io.handover.api.VersionState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision, per mode found with {@link java.util.ServiceLoader}: the
 * strategy of version 2.0 deciding between 2.0 and 1.0 for a first-time client (no cookie) and for a
 * returning client (carrying the cookies the first decision set). A mode that is not on the class
 * path fails its set-up with a message and is skipped; the other modes still run.
 *
 * <p>Settings per mode are those of the load test (see {@link Transitions}). The {@code ruled…}
 * cases add three {@code match} rules (a header equal to a value, a cookie equal to a value, a
 * header searched with a regex): {@code ruledMatch} is a request that satisfies the last rule, so
 * every rule is read; {@code ruledNoMatch} is a returning client that satisfies none, so every rule
 * is read and then the mode decides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StrategyDecisionBenchmark {

  @Param({"INSTANT", "SESSION", "GRADUAL", "CONCURRENT"})
  public String mode;

  private UpgradeStrategy strategy;
  private VersionSet versions;
  private FakeRequest newClient;
  private FakeRequest returningClient;
  private UpgradeStrategy ruled;
  private FakeRequest tester;
  private FakeRequest ruledReturningClient;

  @Setup
  public void setUp() {
    UpgradeStrategyFactory factory = BenchStrategyContext.strategyFactory(mode).orElseThrow(() -> new IllegalStateException(
        "mode " + mode + " is not on the class path (found: " + BenchStrategyContext.strategyNames() + "): skipped"));
    strategy = factory.create(Transitions.settings(mode), BenchStrategyContext.create());
    long now = System.currentTimeMillis();
    VersionInfo v2 = new VersionInfo("b8c1f0d2-2.0", VersionNumber.parse("2.0"), mode, VersionState.ACTIVE, now);
    VersionInfo v1 = new VersionInfo("a7e3c9b4-1.0", VersionNumber.parse("1.0"), "INSTANT", VersionState.ACTIVE, now - 60_000);
    versions = VersionSet.of(List.of(v2, v1));
    newClient = FakeRequest.get("/orders/42");
    RoutingDecision first = strategy.decide(newClient, versions);
    Map<String, String> cookies = new LinkedHashMap<>();
    for (SetCookie c : first.cookies()) {
      cookies.put(c.name(), c.value());
    }
    returningClient = newClient.withCookies(cookies);

    Map<String, Object> withRules = new LinkedHashMap<>(Transitions.settings(mode).asMap());
    withRules.put("match", List.of(
        Map.of("header", "X-Canary", "equals", "1"),
        Map.of("cookie", "beta", "equals", "yes"),
        Map.of("header", "X-User", "regex", "^test-")));
    ruled = factory.create(Settings.of(withRules), BenchStrategyContext.create());
    tester = newClient.withHeader("X-User", "test-42");
    Map<String, String> ruledCookies = new LinkedHashMap<>();
    for (SetCookie c : ruled.decide(newClient.withHeader("X-User", "someone"), versions).cookies()) {
      ruledCookies.put(c.name(), c.value());
    }
    ruledReturningClient = newClient.withHeader("X-User", "someone").withCookies(ruledCookies);
  }

  @Benchmark
  public RoutingDecision newClient() {
    return strategy.decide(newClient, versions);
  }

  @Benchmark
  public RoutingDecision returningClient() {
    return strategy.decide(returningClient, versions);
  }

  @Benchmark
  public RoutingDecision ruledMatch() {
    return ruled.decide(tester, versions);
  }

  @Benchmark
  public RoutingDecision ruledNoMatch() {
    return ruled.decide(ruledReturningClient, versions);
  }
}

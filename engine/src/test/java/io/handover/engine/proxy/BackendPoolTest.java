package io.handover.engine.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.registry.ServerAddress;
import io.handover.engine.support.FakeTicker;
import io.handover.engine.telemetry.FailureKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool = new BackendPool(
      List.of(new ServerAddress("127.0.0.1", 1), new ServerAddress("127.0.0.1", 2), new ServerAddress("127.0.0.1", 3)),
      PoolSettings.DEFAULT, ticker);

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void roundRobinOverTheServers() {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ports.add(pool.choose(new Attempts()).address().port());
    }
    assertThat(ports).containsExactly(1, 2, 3, 1, 2, 3);
  }

  @Test
  void aRequestNeverGetsAServerItTriedAndNoneWhenAllAreTried() {
    Attempts tried = new Attempts();
    for (int i = 0; i < 3; i++) {
      BackendPool.Backend b = pool.choose(tried);
      assertThat(tried.contains(b)).isFalse();
      tried.add(b);
    }
    assertThat(pool.choose(tried)).isNull();
  }

  @Test
  void anEjectedServerIsSkippedUntilItsBackOffEnds() {
    BackendPool.Backend first = pool.servers().get(0);
    for (int i = 0; i < PoolSettings.DEFAULT.ejectAfterFailures(); i++) {
      first.failed(FailureKind.REFUSED);
    }
    for (int i = 0; i < 6; i++) {
      assertThat(pool.choose(new Attempts())).isNotSameAs(first);
    }
    assertThat(pool.anyAvailable()).isTrue();
    ticker.advance(Duration.ofMillis(PoolSettings.DEFAULT.baseEjectionMillis()));
    List<BackendPool.Backend> chosen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      chosen.add(pool.choose(new Attempts()));
    }
    assertThat(chosen).contains(first);
  }

  @Test
  void noServerIsAvailableWhenAllAreEjected() {
    for (BackendPool.Backend b : pool.servers()) {
      for (int i = 0; i < PoolSettings.DEFAULT.ejectAfterFailures(); i++) {
        b.failed(FailureKind.RESET);
      }
    }
    assertThat(pool.anyAvailable()).isFalse();
    assertThat(pool.choose(new Attempts())).isNull();
  }
}

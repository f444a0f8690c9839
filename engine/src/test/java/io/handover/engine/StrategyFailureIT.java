package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import org.junit.jupiter.api.Test;

class StrategyFailureIT {

  @Test
  void aStrategyThatThrowsIsContainedAndTheNewestVersionAnswers() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture()) {
      proxy.addVersion("1.0", null, v1);
      proxy.addVersion("2.0", "{\"mode\":\"TEST_THROWING\"}", v2);
      assertThat(proxy.get("/fine").body()).isEqualTo("1.0 v1 GET /fine");
      for (int i = 0; i < 3; i++) {
        var r = proxy.get("/boom");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("2.0 v2 GET /boom");
      }
      assertThat(proxy.handover().strategyFailures()).isEqualTo(3);
    }
  }
}

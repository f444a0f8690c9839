package io.handover.engine.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.FakeTicker;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointOutcomesTest {

  @Test
  void templatesMatchByMethodAndSegments() {
    EndpointOutcomes e = new EndpointOutcomes(List.of("GET /api/cart", "POST /api/order/*", "GET /static/**", "GET /"), 30, new FakeTicker());
    assertThat(e.of("GET", "/api/cart")).isNotNull().isSameAs(e.windows().get("GET /api/cart"));
    assertThat(e.of("POST", "/api/cart")).isNull();
    assertThat(e.of("GET", "/api/cart/x")).isNull();
    assertThat(e.of("GET", "/api/carts")).isNull();
    assertThat(e.of("POST", "/api/order/17")).isSameAs(e.windows().get("POST /api/order/*"));
    assertThat(e.of("POST", "/api/order/")).isNull();
    assertThat(e.of("POST", "/api/order/17/lines")).isNull();
    assertThat(e.of("GET", "/static/css/a.css")).isSameAs(e.windows().get("GET /static/**"));
    assertThat(e.of("GET", "/")).isSameAs(e.windows().get("GET /"));
  }

  @Test
  void withoutTemplatesTheFirstPathsSeenAreKeptWithIdsGeneralized() {
    EndpointOutcomes e = new EndpointOutcomes(List.of(), 30, new FakeTicker());
    assertThat(e.of("GET", "/api/item/1")).isSameAs(e.of("GET", "/api/item/2"));
    for (int i = 0; i < EndpointOutcomes.DEFAULT_TOP * 2; i++) {
      e.of("GET", "/p" + (char) ('a' + i % 26) + (char) ('a' + i / 26));
    }
    assertThat(e.windows()).hasSize(EndpointOutcomes.DEFAULT_TOP).containsKey("GET /api/item/*");
    assertThat(EndpointOutcomes.generalized("/a/b")).isEqualTo("/a/b");
    assertThat(EndpointOutcomes.generalized("/orders/2024-01-02/x9/lines")).isEqualTo("/orders/*/*/lines");
  }

  @Test
  void badTemplatesAreNamed() {
    assertThat(EndpointOutcomes.problem("GET /a")).isNull();
    assertThat(EndpointOutcomes.problem("/a")).contains("a method, a space and a path");
    assertThat(EndpointOutcomes.problem("get /a")).contains("upper case");
    assertThat(EndpointOutcomes.problem("GET a")).contains("start with");
    assertThat(EndpointOutcomes.problem("GET /a/**/b")).contains("last segment");
  }
}

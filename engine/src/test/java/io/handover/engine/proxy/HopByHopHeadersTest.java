package io.handover.engine.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

  private static HeaderMap connection(String... values) {
    HeaderMap h = new HeaderMap();
    for (String v : values) {
      h.add(Headers.CONNECTION, v);
    }
    return h;
  }

  @Test
  void findsATokenAnywhereInTheListInAnyCase() {
    assertThat(HopByHopHeaders.connectionHas(connection("close"), "close")).isTrue();
    assertThat(HopByHopHeaders.connectionHas(connection("X-Foo, Close"), "close")).isTrue();
    assertThat(HopByHopHeaders.connectionHas(connection("keep-alive", " close ,x"), "close")).isTrue();
    assertThat(HopByHopHeaders.connectionHas(connection("closed, enclose"), "close")).isFalse();
    assertThat(HopByHopHeaders.connectionHas(connection(""), "close")).isFalse();
    assertThat(HopByHopHeaders.connectionHas(new HeaderMap(), "close")).isFalse();
  }

  @Test
  void anUpgradeIsPassedOnOnlyWhenConnectionNamesItAndNeverForH2c() {
    HeaderMap ws = connection("keep-alive, Upgrade");
    ws.put(Headers.UPGRADE, "websocket");
    assertThat(HopByHopHeaders.upgradeRequested(ws)).isEqualTo("websocket");
    HeaderMap h2c = connection("Upgrade, HTTP2-Settings");
    h2c.put(Headers.UPGRADE, "h2c");
    assertThat(HopByHopHeaders.upgradeRequested(h2c)).isNull();
    HeaderMap unnamed = connection("keep-alive");
    unnamed.put(Headers.UPGRADE, "websocket");
    assertThat(HopByHopHeaders.upgradeRequested(unnamed)).isNull();
  }

  @Test
  void stripRemovesConnectionAndWhatItNames() {
    HeaderMap h = connection("close, X-Foo");
    h.put(new HttpString("X-Foo"), "1");
    h.put(new HttpString("X-Bar"), "2");
    h.put(Headers.KEEP_ALIVE, "timeout=5");
    HopByHopHeaders.strip(h);
    assertThat(h.contains(Headers.CONNECTION)).isFalse();
    assertThat(h.contains("X-Foo")).isFalse();
    assertThat(h.contains(Headers.KEEP_ALIVE)).isFalse();
    assertThat(h.getFirst("X-Bar")).isEqualTo("2");
  }
}

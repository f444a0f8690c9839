package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import org.junit.jupiter.api.Test;

class KeepAliveRoutingIT {

  @Test
  void everyRequestOnOneConnectionIsRoutedAfresh() throws Exception {
    try (TestBackend v1 = new TestBackend("v1", "1.0");
        TestBackend v2 = new TestBackend("v2", "2.0");
        ProxyFixture proxy = new ProxyFixture();
        RawHttpConnection connection = new RawHttpConnection(proxy.proxyPort())) {
      proxy.addVersion("1.0", null, v1);
      assertThat(connection.get("/a").text()).isEqualTo("1.0 v1 GET /a");
      assertThat(connection.get("/b").text()).isEqualTo("1.0 v1 GET /b");

      String id2 = proxy.addVersion("2.0", "{\"mode\":\"INSTANT\"}", v2);
      assertThat(connection.get("/c").text()).isEqualTo("2.0 v2 GET /c");

      assertThat(proxy.admin("DELETE", "/configuration/cluster/" + id2).statusCode()).isEqualTo(202);
      assertThat(connection.get("/d").text()).isEqualTo("1.0 v1 GET /d");
    }
  }

  @Test
  void versionsAreOrderedNaturallyNotAsStrings() throws Exception {
    try (TestBackend v19 = new TestBackend("v19", "1.9");
        TestBackend v110 = new TestBackend("v110", "1.10");
        ProxyFixture proxy = new ProxyFixture()) {
      proxy.addVersion("1.10", null, v110);
      proxy.addVersion("1.9", null, v19);
      assertThat(proxy.get("/").body()).startsWith("1.10 v110");
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ClientLimits;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.RawHttpConnection;
import io.handover.engine.support.TestBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxConnections}: past it new connections wait unserved while the open ones are served,
 * until enough close. {@code maxConnectionsPerClient}: one address past it gets {@code 429} and a
 * close while other addresses are served, and a closed connection frees its place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsIT {

  private final TestBackend backend = new TestBackend("b1", "1.0");
  private final List<RawHttpConnection> connections = new ArrayList<>();
  private ProxyFixture proxy;

  private void start(ClientLimits limits) throws Exception {
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(ProxySettings.DEFAULT.withLimits(limits)));
    proxy.addVersion("1.0", null, backend);
  }

  @AfterEach
  void stop() throws IOException {
    for (RawHttpConnection c : connections) {
      c.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    backend.close();
  }

  private RawHttpConnection open(String from) throws IOException {
    RawHttpConnection c = new RawHttpConnection(proxy.proxyPort(), InetAddress.getByName(from));
    connections.add(c);
    return c;
  }

  @Test
  void pastMaxConnectionsNewOnesWaitWhileOpenOnesAreServedAndThenTheyAreServed() throws Exception {
    start(ClientLimits.DEFAULT.withMaxConnections(20));
    List<RawHttpConnection> open = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RawHttpConnection c = open("127.0.0.1");
      assertThat(c.get("/open/" + i).status()).isEqualTo(200);
      open.add(c);
    }
    RawHttpConnection waiting = open("127.0.0.1");
    waiting.send("GET /waiting HTTP/1.1\r\nHost: x\r\n\r\n");
    waiting.readTimeoutMillis(1_500);
    assertThatThrownBy(() -> waiting.read("GET")).as("an answer past maxConnections").isInstanceOf(SocketTimeoutException.class);
    for (RawHttpConnection c : open) {
      assertThat(c.get("/again").status()).as("an open connection past the limit").isEqualTo(200);
    }
    // one closed connection makes room for the waiting one
    open.remove(0).close();
    waiting.readTimeoutMillis(20_000);
    RawHttpConnection.Response r = waiting.read("GET");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("1.0 b1 GET /waiting");
  }

  @Test
  void oneClientPastItsLimitGets429WhileOthersAreServed() throws Exception {
    start(ClientLimits.DEFAULT.withMaxConnectionsPerClient(3));
    List<RawHttpConnection> mine = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawHttpConnection c = open("127.0.0.1");
      assertThat(c.get("/mine/" + i).status()).isEqualTo(200);
      mine.add(c);
    }
    RawHttpConnection fourth = open("127.0.0.1");
    RawHttpConnection.Response refused = fourth.get("/fourth");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("connection")).isEqualToIgnoringCase("close");
    assertThat(fourth.isClosedByPeer()).isTrue();
    assertThat(backend.requests()).as("requests that reached the backend").isEqualTo(3);

    for (RawHttpConnection c : mine) {
      assertThat(c.get("/still").status()).as("a counted connection keeps being served").isEqualTo(200);
    }
    RawHttpConnection other = open("127.0.0.2");
    for (int i = 0; i < 4; i++) {
      assertThat(other.get("/other").status()).as("another client address").isEqualTo(200);
    }

    // a closed connection gives its place back (the close is seen on the IO thread a moment later)
    mine.remove(0).close();
    await("a place freed by a close").atMost(Duration.ofSeconds(10)).until(() -> {
      try (RawHttpConnection c = new RawHttpConnection(proxy.proxyPort())) {
        return c.get("/freed").status() == 200;
      }
    });
  }

  @Test
  void connectionsAreUncountedExactlyWhenTheyClose() throws Exception {
    start(ClientLimits.DEFAULT.withMaxConnectionsPerClient(2));
    // 60 connections opened two at a time and closed: each pair finds both places free again
    for (int i = 0; i < 30; i++) {
      RawHttpConnection a = admitted();
      RawHttpConnection b = admitted();
      a.close();
      b.close();
    }
    admitted();
    admitted();
    assertThat(open("127.0.0.1").get("/third").status()).as("a third while two are open").isEqualTo(429);
  }

  /** A connection from 127.0.0.1 that was served; the close of an earlier one may take a moment to be seen. */
  private RawHttpConnection admitted() {
    RawHttpConnection[] served = new RawHttpConnection[1];
    await("a connection admitted").atMost(Duration.ofSeconds(10)).until(() -> {
      RawHttpConnection c = open("127.0.0.1");
      if (c.get("/admitted").status() == 200) {
        served[0] = c;
        return true;
      }
      c.close();
      return false;
    });
    return served[0];
  }
}

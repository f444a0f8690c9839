package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The paced mode against a backend on loopback that holds one response back: latency must count
 * from when each request was due, so the stall shows for every request it held back, not just for
 * the one that was in flight. Only lower bounds that follow from the schedule are asserted: a slow
 * machine makes the figures larger, never smaller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadClientTest {

  private static final long STALL_MILLIS = 400;
  private static final int STALLED_REQUEST = 20;

  private final AtomicInteger received = new AtomicInteger();
  private Undertow backend;

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.stop();
    }
  }

  @Test
  void aStallCountsForEveryRequestItHeldBack() {
    InetSocketAddress address = startBackend();
    double rate = 100;
    long periodNanos = (long) (1e9 / rate);
    int requests = 300;
    LoadClient.Options options = LoadClient.Options.closedLoop(address, "/", 1, 1, 5).withRate(rate).withMaxRequests(requests);
    LoadClient.Stats s;
    try (LoadClient client = new LoadClient(options).start()) {
      assertThat(client.awaitFinished(40, TimeUnit.SECONDS)).as("finished; last error: %s", client.lastError()).isTrue();
      s = client.stats();
    }
    assertThat(s.errorCount()).as("errors: %s", s.describeErrors()).isZero();
    assertThat(s.latency().count()).as("one sample per intended request").isEqualTo(requests);

    long stall = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
    // the stalled request waited the whole stall; every request whose slot fell in the first half
    // of it was sent after it ended, so each waited at least half the stall
    long heldBack = stall / 2 / periodNanos;
    assertThat(s.latency().max()).isGreaterThanOrEqualTo(stall);
    assertThat(s.latency().countAtLeast(stall / 2)).isGreaterThanOrEqualTo(1 + heldBack);
    // 21 of 300 requests is 7%: the stall reaches p95, and so p99
    assertThat(s.latency().quantile(0.95)).isGreaterThanOrEqualTo(stall / 2);
    assertThat(s.latency().quantile(0.99)).isGreaterThanOrEqualTo(stall / 2);
  }

  @Test
  void closedLoopTimesFromTheSend() {
    InetSocketAddress address = startBackend();
    LoadClient.Options options = LoadClient.Options.closedLoop(address, "/", 1, 1, 5).withMaxRequests(100);
    LoadClient.Stats s;
    try (LoadClient client = new LoadClient(options).start()) {
      assertThat(client.awaitFinished(40, TimeUnit.SECONDS)).as("finished; last error: %s", client.lastError()).isTrue();
      s = client.stats();
    }
    assertThat(s.errorCount()).as("errors: %s", s.describeErrors()).isZero();
    assertThat(s.latency().count()).isEqualTo(100);
    // with nothing scheduled, the request in flight during the stall is the one that shows it
    assertThat(s.latency().max()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS));
  }

  /** A backend answering {@code hello}, which holds response {@value #STALLED_REQUEST} back for the stall. */
  private InetSocketAddress startBackend() {
    backend = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setHandler(exchange -> {
          if (received.incrementAndGet() == STALLED_REQUEST) {
            exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
                exchange.getIoThread().executeAfter(() -> answer(exchange), STALL_MILLIS, TimeUnit.MILLISECONDS));
          } else {
            answer(exchange);
          }
        })
        .build();
    backend.start();
    return (InetSocketAddress) backend.getListenerInfo().get(0).getAddress();
  }

  private static void answer(HttpServerExchange exchange) {
    exchange.getResponseSender().send("hello");
  }
}

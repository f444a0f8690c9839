package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.proxy.ClientLimits;
import io.handover.engine.proxy.ProxySettings;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that hold on to the proxy's resources — heads that never end, bodies that stop, responses
 * left unread — are cut off by their deadlines while a normal client keeps being served, memory
 * stays bounded, and the server is never blamed for them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ResourceLimitsIT {

  private static final int TIMEOUT = 1_000;
  private static final int DOWNLOAD = 32 * 1024 * 1024;
  private static final long HEAP_BOUND = 768L * 1024 * 1024;

  private TestBackend backend;
  private ProxyFixture proxy;
  private String id;
  private final List<Socket> sockets = new ArrayList<>();
  private final AtomicInteger downloadsEnded = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    backend = new TestBackend("b1", "1.0");
    ClientLimits limits = ClientLimits.DEFAULT.withTimeouts(TIMEOUT, 2 * TIMEOUT, TIMEOUT, TIMEOUT);
    ProxySettings settings = ProxySettings.DEFAULT.withFirstByteTimeoutMillis(300).withLimits(limits);
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(
        new ProxySettings(settings.maxRequestTimeMillis(), -1, false, 300, 64 * 1024, settings.failoverStatuses(), limits)));
    id = proxy.addVersion("1.0", null, backend);
  }

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
    proxy.close();
    backend.close();
  }

  private Socket open(String head) throws IOException {
    return open(proxy.proxyPort(), head);
  }

  private Socket open(int port, String head) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(15_000);
    sockets.add(s);
    s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return s;
  }

  @Test
  void headsThatNeverEndAreClosed() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      slow.add(open("GET / HTTP/1.1\r\nHost: x\r\nX-A: a"));
    }
    for (int i = 0; i < 50; i++) {
      slow.add(open("GET / HTTP/1.1\r\nHost: x\r\n" + ("X-Long: " + "b".repeat(1000) + "\r\n").repeat(20)));
    }
    assertServed();
    for (Socket s : slow) {
      // slowloris: one more byte now and then does not keep the connection open past the deadline
      try {
        s.getOutputStream().write('a');
      } catch (IOException alreadyClosed) {
        // the deadline passed already
      }
      assertThat(readsToEnd(s)).as("bytes answered to an unfinished head").isZero();
    }
    assertServed();
    assertNotBlamed();
  }

  @Test
  void bodiesThatStopGet408OrAClose() throws Exception {
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // alternately held whole (50 kB) and streamed (10 MB, past maxBufferedBodyBytes)
      int length = i % 2 == 0 ? 50_000 : 10_000_000;
      held.add(open("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n" + "c".repeat(1000)));
    }
    assertServed();
    assertThat(usedHeap()).as("heap in use while 100 bodies are held").isLessThan(HEAP_BOUND);
    for (Socket s : held) {
      String answer = answerOrClose(s);
      assertThat(answer).as("answer to a body that stopped").matches("HTTP/1\\.1 408.*|closed");
    }
    await("held bodies given back").atMost(Duration.ofSeconds(5)).until(() -> proxy.handover().heldRequestBodyBytes() == 0);
    assertServed();
    assertNotBlamed();
  }

  @Test
  void bodiesPastTheMemoryBudgetAreStreamedNotHeld() throws Exception {
    proxy.close();
    ClientLimits limits = ClientLimits.DEFAULT.withTimeouts(TIMEOUT, 2 * TIMEOUT, 5 * TIMEOUT, TIMEOUT)
        .withMaxBufferedBodyBytesTotal(256 * 1024);
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(ProxySettings.DEFAULT.withLimits(limits)));
    id = proxy.addVersion("1.0", null, backend);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      // 500 kB declared, 100 kB sent: each would be held whole but for the budget
      held.add(open("POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" + "d".repeat(100_000)));
    }
    await("every upload started").atMost(Duration.ofSeconds(10)).until(() -> backend.requests() > 0
        || proxy.handover().heldRequestBodyBytes() > 0);
    assertThat(proxy.handover().heldRequestBodyBytes()).as("bytes held for 20 uploads of 100 kB")
        .isLessThanOrEqualTo(256 * 1024 + 20 * 64 * 1024);
    for (Socket s : held) {
      s.getOutputStream().write("d".repeat(400_000).getBytes(StandardCharsets.ISO_8859_1));
    }
    for (Socket s : held) {
      assertThat(answerOrClose(s)).as("answer to an upload streamed for want of budget").startsWith("HTTP/1.1 200");
    }
    await("held bodies given back").atMost(Duration.ofSeconds(5)).until(() -> proxy.handover().heldRequestBodyBytes() == 0);
    assertServed();
    assertNotBlamed();
  }

  @Test
  void slowReadersAreCutWithoutBlamingTheServer() throws Exception {
    backend.behave(ex -> {
      ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, DOWNLOAD);
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = ex.getOutputStream()) {
        for (int sent = 0; sent < DOWNLOAD; sent += block.length) {
          out.write(block);
        }
      } finally {
        downloadsEnded.incrementAndGet();
      }
    });
    List<Socket> readers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      readers.add(open("GET /download HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    // the backend's writes end (cut off) only once the proxy gave up on a reader that reads nothing
    await("every download cut off").atMost(Duration.ofSeconds(30)).until(() -> downloadsEnded.get() == readers.size());
    for (Socket s : readers) {
      assertThat(readsToEnd(s)).as("bytes a slow reader got before it was cut").isLessThan(DOWNLOAD);
    }
    assertThat(usedHeap()).as("heap in use").isLessThan(HEAP_BOUND);
    backend.behave(null);
    assertServed();
    assertNotBlamed();
  }

  @Test
  void slowAdminUploadsHoldNoAdminWorker() throws Exception {
    List<Socket> uploads = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // three times the admin's four workers, each body started and then stalled
      uploads.add(open(proxy.adminPort(), "PUT /configuration/cluster HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.adminPort()
          + "\r\nContent-Length: 1000\r\n\r\n{\"cluster\":{"));
    }
    assertThat(proxy.admin("GET", "/status").statusCode()).as("the admin API while 12 uploads stall").isEqualTo(200);
    for (Socket s : uploads) {
      assertThat(answerOrClose(s)).as("a stalled admin upload past the body deadline").isEqualTo("closed");
    }
    assertThat(proxy.handover().registry().list()).as("versions after the stalled uploads").hasSize(1);
    // on a new connection: the shared client's kept-alive one sat idle past the admin's read deadline meanwhile
    HttpResponse<String> put = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(proxy.admin("/configuration/cluster")).PUT(HttpRequest.BodyPublishers.ofString(
            "{\"cluster\":{\"servers\":[" + backend.serverJson() + "],\"version\":\"1.1\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
  }

  /**
   * Every attack of the issue at once, for a few seconds: 300 connections that declare a 1 MiB
   * body and hold after 1 kB, 100 unfinished 20 kB heads, 50 slowloris heads that gain a line every
   * 100 ms, and 6 clients that stop reading a 32 MiB download. Meanwhile a normal client keeps
   * being served, no memory is committed for bytes that did not arrive, and nobody is blamed.
   */
  @Test
  void everyAttackAtOnceLeavesANormalClientServed() throws Exception {
    proxy.close();
    int deadline = 4_000;
    ClientLimits limits = ClientLimits.DEFAULT.withTimeouts(deadline, 2 * deadline, deadline, deadline);
    proxy = new ProxyFixture(HandoverConfig.ephemeral().withProxySettings(ProxySettings.DEFAULT.withLimits(limits)));
    id = proxy.addVersion("1.0", null, backend);
    backend.behave(ex -> {
      if (!ex.getRequestPath().equals("/download")) {
        ex.getResponseSender().send("ok");
        return;
      }
      ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, DOWNLOAD);
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = ex.getOutputStream()) {
        for (int sent = 0; sent < DOWNLOAD; sent += block.length) {
          out.write(block);
        }
      } finally {
        downloadsEnded.incrementAndGet();
      }
    });
    List<Socket> bodies = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      bodies.add(open("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + "e".repeat(1000)));
    }
    List<Socket> heads = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      heads.add(open("GET / HTTP/1.1\r\nHost: x\r\n" + ("X-Long: " + "f".repeat(1000) + "\r\n").repeat(20)));
    }
    List<Socket> loris = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      loris.add(open("GET / HTTP/1.1\r\nHost: x\r\n"));
    }
    Thread trickle = new Thread(() -> {
      for (int round = 0; round < 150 && !loris.isEmpty(); round++) {
        loris.removeIf(s -> {
          try {
            s.getOutputStream().write("X-Loris: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return false;
          } catch (IOException closed) {
            return true;
          }
        });
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "slowloris");
    List<Socket> readers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      readers.add(open("GET /download HTTP/1.1\r\nHost: x\r\n\r\n"));
    }
    trickle.start();
    try {
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.proxy("/normal/" + i))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("a normal request during the attacks").isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(proxy.handover().heldRequestBodyBytes()).as("bytes held for 300 bodies declared at 1 MiB, 1 kB sent")
            .isLessThanOrEqualTo(300L * 16 * 1024);
        assertThat(usedHeap()).as("heap in use during the attacks").isLessThan(HEAP_BOUND);
      }
      assertNotBlamed();
      for (Socket s : bodies) {
        assertThat(answerOrClose(s)).as("a body that stopped").matches("HTTP/1\\.1 408.*|closed");
      }
      for (Socket s : heads) {
        assertThat(readsToEnd(s)).as("bytes answered to an unfinished head").isZero();
      }
      trickle.join(20_000);
      assertThat(loris).as("slowloris connections still open").isEmpty();
      await("every download cut off").atMost(Duration.ofSeconds(30)).until(() -> downloadsEnded.get() == readers.size());
    } finally {
      trickle.interrupt();
    }
    backend.behave(null);
    assertServed();
    assertNotBlamed();
    assertThat(proxy.handover().registry().list()).as("versions").hasSize(1);
  }

  private void assertServed() throws Exception {
    assertThat(proxy.get("/ok").statusCode()).isEqualTo(200);
  }

  private void assertNotBlamed() throws Exception {
    JsonNode status = proxy.status(id);
    assertThat(status.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(status.get("recent").get("failures").asLong()).as("failures in /status").isZero();
    JsonNode server = status.get("servers").get(0);
    assertThat(server.get("ejected").asBoolean()).as("ejected").isFalse();
    assertThat(server.get("consecutiveFailures").asInt()).as("consecutiveFailures").isZero();
  }

  /** The status line the proxy answered with, or {@code closed} when it closed without one. */
  private static String answerOrClose(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    try {
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.append((char) c);
      }
    } catch (SocketException reset) {
      // a reset is a close too
    }
    return line.isEmpty() ? "closed" : line.toString().strip();
  }

  /** Reads until the proxy closes the connection; fails when it does not within the socket timeout. */
  private static long readsToEnd(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      for (int n; (n = in.read(buf)) != -1; ) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the proxy kept the connection open after " + total + " bytes", e);
    } catch (SocketException reset) {
      // a reset is a close too
    }
    return total;
  }

  /** The heap still reachable: after a collection, so that the garbage of earlier tests in this JVM does not count. */
  private static long usedHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}

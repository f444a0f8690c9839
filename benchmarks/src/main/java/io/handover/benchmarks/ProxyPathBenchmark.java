package io.handover.benchmarks;

import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ServerAddress;
import io.undertow.Undertow;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request at a time on one kept-alive connection, everything in this JVM on 127.0.0.1: a
 * {@link BackendServer}, and in front of it Handover (one INSTANT version), Undertow's bare
 * {@code ProxyHandler}, or nothing ({@code direct}). Run with {@code -prof gc}: the bytes allocated
 * per request of {@code handover} less those of {@code direct} are what the proxy allocates for one
 * request, Undertow's part included; less those of {@code undertow}, what Handover's own code adds.
 * The time per request is a round trip through every hop, not a throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class ProxyPathBenchmark {

  @Param({"handover", "undertow", "direct"})
  public String target;

  @Param({"small"})
  public String body;

  private Undertow backend;
  private Handover handover;
  private Undertow bare;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private byte[] request;
  private final byte[] buffer = new byte[256 * 1024];
  private int bodyBytes;

  @Setup(Level.Trial)
  public void start() throws IOException {
    backend = BackendServer.start("127.0.0.1", 0, 1);
    int backendPort = ((InetSocketAddress) backend.getListenerInfo().get(0).getAddress()).getPort();
    int port = switch (target) {
      case "direct" -> backendPort;
      case "handover" -> {
        ClusterConfig cluster = new ClusterConfig("bench", VersionNumber.parse("1.0"),
            List.of(new ServerAddress("127.0.0.1", backendPort)), Settings.of(Map.of("mode", "INSTANT")), 0);
        handover = Handover.start(HandoverConfig.ephemeral().withClusters(List.of(cluster)));
        yield handover.proxyAddress().getPort();
      }
      case "undertow" -> {
        LoadBalancingProxyClient client = new LoadBalancingProxyClient().setConnectionsPerThread(256);
        client.addHost(URI.create("http://127.0.0.1:" + backendPort));
        bare = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2)
            .setHandler(ProxyHandler.builder().setProxyClient(client).setMaxRequestTime(30_000).build()).build();
        bare.start();
        yield ((InetSocketAddress) bare.getListenerInfo().get(0).getAddress()).getPort();
      }
      default -> throw new IllegalArgumentException("target must be handover, undertow or direct, not " + target);
    };
    String path = BackendServer.pathOf(body);
    bodyBytes = BackendServer.bodyBytes(path);
    request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    socket.close();
    if (handover != null) {
      handover.close();
    }
    if (bare != null) {
      bare.stop();
    }
    backend.stop();
  }

  /** Sends one GET and reads its whole answer; returns the body length. */
  @Benchmark
  public int request() throws IOException {
    out.write(request);
    int filled = 0;
    int headEnd = -1;
    while (headEnd < 0) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        throw new IOException("closed before the head ended");
      }
      filled += n;
      headEnd = headEnd(filled);
    }
    int length = contentLength(headEnd);
    if (length != bodyBytes) {
      throw new IOException("expected a body of " + bodyBytes + " bytes, the head says " + length);
    }
    int have = filled - headEnd;
    while (have < length) {
      int n = in.read(buffer, 0, Math.min(buffer.length, length - have));
      if (n < 0) {
        throw new IOException("closed mid-body");
      }
      have += n;
    }
    return length;
  }

  private int headEnd(int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  private int contentLength(int headEnd) throws IOException {
    byte[] name = "\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + name.length < headEnd; i++) {
      for (int j = 0; j < name.length; j++) {
        if (Character.toLowerCase(buffer[i + j]) != name[j]) {
          continue outer;
        }
      }
      int v = 0;
      for (int k = i + name.length; k < headEnd && buffer[k] != '\r'; k++) {
        if (buffer[k] >= '0' && buffer[k] <= '9') {
          v = v * 10 + (buffer[k] - '0');
        }
      }
      return v;
    }
    throw new IOException("no Content-Length in the answer");
  }
}

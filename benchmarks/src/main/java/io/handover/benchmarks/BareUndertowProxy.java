package io.handover.benchmarks;

import io.undertow.Undertow;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * Undertow's own reverse proxy and nothing else: a {@link ProxyHandler} over a
 * {@link LoadBalancingProxyClient} of one backend, on the same Undertow and XNIO as Handover. The
 * floor of this stack, run by {@code compare-peers.sh} as the target {@code undertow}.
 *
 * <p>Arguments: {@code port backendHost:port ioThreads [connectionsPerThread]} (256 by default,
 * as Handover's pool has); it listens on 127.0.0.1 until killed.
 */
public final class BareUndertowProxy {

  private BareUndertowProxy() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: BareUndertowProxy port backendHost:port ioThreads [connectionsPerThread]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int ioThreads = Integer.parseInt(args[2]);
    int perThread = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    LoadBalancingProxyClient client = new LoadBalancingProxyClient().setConnectionsPerThread(perThread);
    client.addHost(URI.create("http://" + args[1]));
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(ioThreads)
        .setHandler(ProxyHandler.builder().setProxyClient(client).setMaxRequestTime(30_000).build())
        .build();
    server.start();
    System.err.println("undertow proxy on 127.0.0.1:" + port + " to " + args[1]);
    new CountDownLatch(1).await();
  }
}

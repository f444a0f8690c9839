package io.handover.engine.proxy;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The proxy's HTTP listener: Undertow's {@link HttpOpenListener} on an XNIO worker of its own, as
 * {@code Undertow.start()} sets it up, with one difference: every accepted connection reads through
 * {@link LazyReadSuspend}, which Undertow's builder has no place for. The IO buffers are a fixed
 * size rather than one Undertow derives from the heap size (1 KiB below a 128 MiB heap).
 */
public final class ProxyListener implements AutoCloseable {

  /** Undertow's default for heaps of 128 MiB and more: 16 KiB less room for a TLS record's framing. */
  static final int BUFFER_SIZE = 16 * 1024 - 20;
  /** How many free buffers the pool keeps beyond the IO threads' own caches. */
  static final int POOLED_BUFFERS = 256;

  private final XnioWorker worker;
  private final ByteBufferPool buffers;
  private final HttpOpenListener open;
  private final AcceptingChannel<StreamConnection> server;

  private ProxyListener(XnioWorker worker, ByteBufferPool buffers, HttpOpenListener open, AcceptingChannel<StreamConnection> server) {
    this.worker = worker;
    this.buffers = buffers;
    this.open = open;
    this.server = server;
  }

  /**
   * Listens on {@code bindAddress:port} (0 for any free port) with {@code ioThreads} IO threads.
   *
   * @param socketOptions XNIO options of the listening socket, over Undertow's defaults
   * @param serverOptions Undertow options of every connection, over Undertow's defaults
   */
  public static ProxyListener start(String bindAddress, int port, int ioThreads, OptionMap socketOptions,
      OptionMap serverOptions, HttpHandler handler) {
    Xnio xnio = Xnio.getInstance(ProxyListener.class.getClassLoader());
    int workerThreads = ioThreads * 8;
    XnioWorker worker;
    try {
      worker = xnio.createWorker(OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, ioThreads)
          .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
          .set(Options.CONNECTION_LOW_WATER, 1_000_000)
          .set(Options.WORKER_TASK_CORE_THREADS, workerThreads)
          .set(Options.WORKER_TASK_MAX_THREADS, workerThreads)
          .set(Options.TCP_NODELAY, true)
          .set(Options.CORK, true)
          .getMap());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // With Undertow's default bound (-1), a buffer given back while an IO thread's four cached ones
    // are in use is freed, and the next one allocated again (direct memory, zeroed): keep a few
    // hundred (at most 4 MiB) for the moments when many connections each hold one
    ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, POOLED_BUFFERS, 4);
    try {
      OptionMap undertowOptions = OptionMap.builder()
          .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
          .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
          .addAll(serverOptions)
          .getMap();
      HttpOpenListener open = new HttpOpenListener(buffers, undertowOptions);
      open.setRootHandler(handler);
      ChannelListener<StreamConnection> lazy = connection -> {
        connection.getSourceChannel().setConduit(new LazyReadSuspend(connection.getSourceChannel().getConduit()));
        open.handleEvent(connection);
      };
      OptionMap options = OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, ioThreads)
          .set(Options.TCP_NODELAY, true)
          .set(Options.REUSE_ADDRESSES, true)
          .set(Options.BALANCING_TOKENS, 1)
          .set(Options.BALANCING_CONNECTIONS, 2)
          .set(Options.BACKLOG, 1000)
          .addAll(socketOptions)
          .getMap();
      AcceptingChannel<StreamConnection> server = worker.createStreamConnectionServer(
          new InetSocketAddress(InetAddress.getByName(bindAddress), port), ChannelListeners.openListenerAdapter(lazy), options);
      server.resumeAccepts();
      return new ProxyListener(worker, buffers, open, server);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      buffers.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Where it listens, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return server.getLocalAddress(InetSocketAddress.class);
  }

  /** The listener's connection and byte counts; null unless {@code UndertowOptions.ENABLE_STATISTICS} is on. */
  public ConnectorStatistics connectorStatistics() {
    return open.getConnectorStatistics();
  }

  /**
   * Closes the listening socket, leaving open connections be: the kernel then sends new
   * connections to another socket bound to the same port ({@code SO_REUSEPORT}), a successor's,
   * rather than queueing them on this one to be reset when it closes.
   */
  public void stopAccepting() {
    server.suspendAccepts();
    IoUtils.safeClose(server);
  }

  /** Stops accepting, then stops the IO threads once their connections are closed. */
  @Override
  public void close() {
    IoUtils.safeClose(server);
    worker.shutdown();
    try {
      worker.awaitTermination();
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
    buffers.close();
  }
}

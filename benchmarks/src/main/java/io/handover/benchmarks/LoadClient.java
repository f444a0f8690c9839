package io.handover.benchmarks;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A keep-alive HTTP/1.1 load generator: a fixed number of connections, each sending one GET, reading
 * the whole response, then sending the next (no pipelining), spread over a few selector threads.
 * Like wrk it is closed-loop by default; with a rate it paces each connection instead, like wrk2.
 *
 * <p>Every response is framed by its {@code Content-Length} (or chunked encoding) and checked: a
 * non-2xx status or a body of the wrong size counts as an error, and so do refused connections,
 * connections closed mid-response, unparsable responses and responses slower than the timeout. A
 * failed connection is replaced.
 *
 * <p>Latency ends at the last byte read. Closed-loop, it starts at the first byte written. Paced, it
 * starts when the request was due by the connection's fixed schedule, as in wrk2: a response that
 * stalls holds back the requests due after it, and each of those counts the time it waited, so a
 * stall shows in the percentiles as the users behind it saw it rather than as one slow request
 * (coordinated omission). A connection that fell behind sends back to back until it is on
 * schedule again.
 */
final class LoadClient implements AutoCloseable {

  /** What went wrong with a request or a connection. */
  enum ErrorKind {
    /** A connection could not be opened. */
    CONNECT,
    /** The connection closed or reset before the response was complete. */
    CLOSED,
    /** No whole response within the timeout. */
    TIMEOUT,
    /** A response that could not be framed. */
    PROTOCOL,
    /** A response whose status is not 2xx. */
    STATUS,
    /** A 2xx response whose body is not the expected size. */
    SIZE
  }

  /**
   * How to load.
   *
   * @param address where to connect
   * @param path the request path, e.g. {@code /small}
   * @param connections how many connections to keep open
   * @param threads how many selector threads share them
   * @param expectedBodyBytes the body size every response must have, or -1 for any
   * @param echoCookies whether each connection sends back the cookies it was given, like a browser
   * @param requestsPerSecond the total rate to pace to (latency then counts from each request's slot),
   *     or 0 for as fast as responses come back
   * @param maxRequests how many requests to send in all, or 0 for no limit
   * @param timeoutMillis how long a request may take before it counts as an error
   * @param listener told of every response and failure, or null
   * @param trackedHeader the header whose value the listener gets (lower case), or null
   */
  record Options(
      InetSocketAddress address, String path, int connections, int threads, long expectedBodyBytes,
      boolean echoCookies, double requestsPerSecond, long maxRequests, long timeoutMillis,
      Listener listener, String trackedHeader) {

    Options {
      requireNonNull(address, "address is null");
      requireNonNull(path, "path is null");
      if (connections < 1 || threads < 1) {
        throw new IllegalArgumentException("connections and threads must be at least 1");
      }
    }

    /** As many requests as the server answers, over {@code connections} connections. */
    static Options closedLoop(InetSocketAddress address, String path, int connections, int threads, long expectedBodyBytes) {
      return new Options(address, path, connections, Math.min(threads, connections), expectedBodyBytes, true, 0, 0, 10_000, null, null);
    }

    Options withRate(double requestsPerSecond) {
      return new Options(address, path, connections, threads, expectedBodyBytes, echoCookies, requestsPerSecond, maxRequests, timeoutMillis, listener, trackedHeader);
    }

    Options withMaxRequests(long maxRequests) {
      return new Options(address, path, connections, threads, expectedBodyBytes, echoCookies, requestsPerSecond, maxRequests, timeoutMillis, listener, trackedHeader);
    }

    /** Tells {@code listener} of every response, with the value of {@code header}, and of every failure. */
    Options withListener(Listener listener, String header) {
      return new Options(address, path, connections, threads, expectedBodyBytes, echoCookies, requestsPerSecond, maxRequests, timeoutMillis,
          listener, header == null ? null : header.toLowerCase(java.util.Locale.ROOT));
    }

    Options withEchoCookies(boolean echoCookies) {
      return new Options(address, path, connections, threads, expectedBodyBytes, echoCookies, requestsPerSecond, maxRequests, timeoutMillis, listener, trackedHeader);
    }
  }

  /** Hears of every response and failure, on the client's selector threads: keep it quick. */
  interface Listener {
    /**
     * A whole response arrived.
     *
     * @param nanoTime when ({@link System#nanoTime()})
     * @param ok whether it was 2xx with the expected body size
     * @param trackedValue the tracked header's value, or null
     */
    void response(long nanoTime, boolean ok, String trackedValue);

    /** A request failed without a whole response, or a connection could not be opened. */
    void failure(long nanoTime, ErrorKind kind);
  }

  /**
   * Counters since the client started; subtract two to get an interval.
   *
   * @param completed whole responses read, whatever their status
   * @param failed requests that got no whole response
   * @param errors errors by {@link ErrorKind} ordinal
   * @param bodyBytes body bytes read
   * @param connects connections opened
   * @param latency latency of every whole response
   * @param nanoTime when the counters were read
   */
  record Stats(long completed, long failed, long[] errors, long bodyBytes, long connects,
      LatencySnapshot latency, long nanoTime) {

    long errorCount() {
      long n = 0;
      for (long e : errors) {
        n += e;
      }
      return n;
    }

    long errors(ErrorKind kind) {
      return errors[kind.ordinal()];
    }

    /** Whole 2xx responses of the right size. */
    long ok() {
      return completed - errors(ErrorKind.STATUS) - errors(ErrorKind.SIZE);
    }

    Stats minus(Stats earlier) {
      long[] e = errors.clone();
      for (int i = 0; i < e.length; i++) {
        e[i] -= earlier.errors[i];
      }
      return new Stats(completed - earlier.completed, failed - earlier.failed, e, bodyBytes - earlier.bodyBytes,
          connects - earlier.connects, latency.minus(earlier.latency), nanoTime - earlier.nanoTime);
    }

    /** Whole responses per second over an interval (only meaningful on a difference). */
    double perSecond() {
      return nanoTime <= 0 ? 0 : completed * 1e9 / nanoTime;
    }

    /** {@code CONNECT=1 STATUS=3}, or {@code none}. */
    String describeErrors() {
      StringBuilder sb = new StringBuilder();
      for (ErrorKind k : ErrorKind.values()) {
        if (errors[k.ordinal()] > 0) {
          sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(errors[k.ordinal()]);
        }
      }
      return sb.length() == 0 ? "none" : sb.toString();
    }
  }

  private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Options options;
  private final Worker[] workers;
  private final AtomicLong remaining;
  private final long periodNanos;
  private volatile boolean running;
  private volatile Throwable failure;
  private double nanosPerRequest = 20_000;

  LoadClient(Options options) {
    this.options = requireNonNull(options, "options is null");
    this.remaining = new AtomicLong(options.maxRequests() > 0 ? options.maxRequests() : Long.MAX_VALUE);
    this.periodNanos = options.requestsPerSecond() > 0 ? (long) (options.connections() * 1e9 / options.requestsPerSecond()) : 0;
    this.workers = new Worker[options.threads()];
    for (int t = 0; t < workers.length; t++) {
      int count = options.connections() / workers.length + (t < options.connections() % workers.length ? 1 : 0);
      workers[t] = new Worker(t, count);
    }
  }

  /** Opens the connections and starts sending. */
  LoadClient start() {
    running = true;
    for (Worker w : workers) {
      w.thread.start();
    }
    return this;
  }

  Options options() {
    return options;
  }

  /** The counters so far. */
  Stats stats() {
    long completed = 0;
    long failed = 0;
    long bytes = 0;
    long connects = 0;
    long[] errors = new long[ErrorKind.values().length];
    LatencySnapshot latency = LatencySnapshot.EMPTY;
    long now = System.nanoTime();
    for (Worker w : workers) {
      completed += w.completed.get();
      failed += w.failed.get();
      bytes += w.bodyBytes.get();
      connects += w.connects.get();
      for (int i = 0; i < errors.length; i++) {
        errors[i] += w.errors.get(i);
      }
      latency = latency.plus(w.latency.snapshot());
    }
    return new Stats(completed, failed, errors, bytes, connects, latency, now);
  }

  /** Whole responses so far; cheap. */
  long completed() {
    long n = 0;
    for (Worker w : workers) {
      n += w.completed.get();
    }
    return n;
  }

  private long ended() {
    long n = 0;
    for (Worker w : workers) {
      n += w.completed.get() + w.failed.get();
    }
    return n;
  }

  /** The last error's message, for diagnostics, or null. */
  String lastError() {
    String last = null;
    for (Worker w : workers) {
      if (w.lastError != null) {
        last = w.lastError;
      }
    }
    return last;
  }

  /**
   * Waits until {@code n} more responses have completed. Sleeps in steps sized from the recent rate,
   * so the waiting thread takes little CPU from the load.
   *
   * @return the number of responses completed so far
   * @throws IllegalStateException when the client stopped or a selector thread died
   */
  long awaitCompletions(long n) {
    long start = System.nanoTime();
    long target = completed() + n;
    while (true) {
      long done = completed();
      if (done >= target) {
        long elapsed = System.nanoTime() - start;
        nanosPerRequest = 0.7 * nanosPerRequest + 0.3 * ((double) elapsed / n);
        return done;
      }
      if (!running || failure != null) {
        throw new IllegalStateException("the load client stopped", failure);
      }
      long park = (long) Math.min(20_000_000, Math.max(50_000, 0.5 * (target - done) * nanosPerRequest));
      LockSupport.parkNanos(park);
    }
  }

  /**
   * Waits until every request of a {@link Options#maxRequests} run has a response or has failed.
   *
   * @return whether that happened within the timeout
   */
  boolean awaitFinished(long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (ended() < options.maxRequests()) {
      if (System.nanoTime() > deadline || failure != null) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }

  /** Stops sending, closes every connection and waits for the selector threads to end. */
  @Override
  public void close() {
    running = false;
    for (Worker w : workers) {
      w.selector.wakeup();
    }
    for (Worker w : workers) {
      try {
        w.thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One connection: its channel, request bytes and parser. */
  private static final class Conn {
    final int id;
    final ResponseParser parser;
    SocketChannel channel;
    SelectionKey key;
    byte[] request;
    ByteBuffer out;
    boolean inFlight;
    boolean needsConnect;
    boolean queued;
    /** When the first byte of the request in flight was written; timeouts count from here. */
    long sentAt;
    /** When the request in flight should have been sent: its schedule slot when paced, else sentAt. */
    long intendedAt;
    /** When paced, the schedule slot of the next request. */
    long nextSend;
    /** When the delayed queue should take this connection up again. */
    long wakeAt;
    Map<String, String> cookies;

    Conn(int id, boolean echoCookies, String trackedHeader) {
      this.id = id;
      this.parser = new ResponseParser(echoCookies, trackedHeader);
    }
  }

  /** A selector thread owning some of the connections. */
  private final class Worker implements Runnable {
    final Thread thread;
    final Selector selector;
    final List<Conn> conns = new ArrayList<>();
    final PriorityQueue<Conn> delayed = new PriorityQueue<>(Comparator.comparingLong((Conn c) -> c.wakeAt));
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    final LatencyRecorder latency = new LatencyRecorder();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLongArray errors = new AtomicLongArray(ErrorKind.values().length);
    volatile String lastError;
    long lastTimeoutScan;

    Worker(int index, int count) {
      try {
        this.selector = Selector.open();
      } catch (IOException e) {
        throw new IllegalStateException("cannot open a selector", e);
      }
      for (int i = 0; i < count; i++) {
        Conn c = new Conn(index * 100_000 + i, options.echoCookies(), options.trackedHeader());
        c.request = requestBytes(Map.of());
        conns.add(c);
      }
      this.thread = new Thread(this, "load-client-" + index);
      this.thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        long now = System.nanoTime();
        for (Conn c : conns) {
          // spread paced connections over one period so they do not fire together
          c.nextSend = periodNanos > 0 ? now + (long) (Math.random() * periodNanos) : now;
          open(c);
        }
        while (running) {
          long wait = 100;
          if (!delayed.isEmpty()) {
            long untilDue = delayed.peek().wakeAt - System.nanoTime();
            wait = Math.max(0, Math.min(wait, TimeUnit.NANOSECONDS.toMillis(untilDue)));
          }
          if (wait == 0) {
            selector.selectNow();
          } else {
            selector.select(wait);
          }
          for (SelectionKey key : selector.selectedKeys()) {
            handle(key);
          }
          selector.selectedKeys().clear();
          now = System.nanoTime();
          while (!delayed.isEmpty() && delayed.peek().wakeAt <= now && running) {
            Conn c = delayed.poll();
            c.queued = false;
            if (c.needsConnect) {
              open(c);
            } else {
              send(c);
            }
          }
          if (now - lastTimeoutScan > 250_000_000L) {
            lastTimeoutScan = now;
            scanTimeouts(now);
          }
        }
      } catch (Throwable t) {
        failure = t;
        lastError = "selector thread died: " + t;
      } finally {
        for (Conn c : conns) {
          closeQuietly(c);
        }
        try {
          selector.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }

    private void handle(SelectionKey key) {
      Conn c = (Conn) key.attachment();
      if (!key.isValid() || c.key != key) {
        return;
      }
      try {
        if ((key.readyOps() & SelectionKey.OP_CONNECT) != 0) {
          if (c.channel.finishConnect()) {
            connects.incrementAndGet();
            key.interestOps(SelectionKey.OP_READ);
            issue(c);
          }
          return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
          c.channel.write(c.out);
          if (!c.out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
        }
        if ((ready & SelectionKey.OP_READ) != 0 && c.key == key) {
          read(c);
        }
      } catch (IOException e) {
        if (key.isValid() && (key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
          error(c, ErrorKind.CONNECT, e.toString());
          reconnect(c, RECONNECT_DELAY_NANOS);
        } else {
          fail(c, ErrorKind.CLOSED, e.toString());
        }
      }
    }

    private void open(Conn c) {
      c.needsConnect = false;
      c.inFlight = false;
      c.parser.reset();
      try {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.channel = ch;
        if (ch.connect(options.address())) {
          connects.incrementAndGet();
          c.key = ch.register(selector, SelectionKey.OP_READ, c);
          issue(c);
        } else {
          c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
      } catch (IOException e) {
        error(c, ErrorKind.CONNECT, e.toString());
        reconnect(c, RECONNECT_DELAY_NANOS);
      }
    }

    /** Sends the next request now, or when the pace allows. */
    private void issue(Conn c) {
      if (!running || c.queued) {
        return;
      }
      if (periodNanos > 0 && c.nextSend > System.nanoTime()) {
        c.wakeAt = c.nextSend;
        c.queued = true;
        delayed.add(c);
        return;
      }
      send(c);
    }

    private void send(Conn c) {
      if (c.channel == null || !c.channel.isOpen() || c.needsConnect || c.inFlight) {
        return;
      }
      if (remaining.decrementAndGet() < 0) {
        return;
      }
      c.out = ByteBuffer.wrap(c.request);
      c.inFlight = true;
      c.sentAt = System.nanoTime();
      if (periodNanos > 0) {
        // the schedule does not move when the connection falls behind: the requests held back are
        // sent as soon as it can, each timed from its own slot
        c.intendedAt = c.nextSend;
        c.nextSend += periodNanos;
      } else {
        c.intendedAt = c.sentAt;
      }
      try {
        c.channel.write(c.out);
        if (c.out.hasRemaining()) {
          c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
      } catch (IOException e) {
        fail(c, ErrorKind.CLOSED, e.toString());
      }
    }

    private void read(Conn c) throws IOException {
      for (int round = 0; round < 16; round++) {
        ByteBuffer buf = readBuffer;
        buf.clear();
        int n = c.channel.read(buf);
        if (n < 0) {
          if (c.inFlight) {
            fail(c, ErrorKind.CLOSED, "connection closed before the response was complete");
          } else {
            // the server closed an idle keep-alive connection: replace it quietly
            reconnect(c, 0);
          }
          return;
        }
        if (n == 0) {
          return;
        }
        buf.flip();
        if (!c.inFlight) {
          fail(c, ErrorKind.PROTOCOL, "bytes received with no request outstanding");
          return;
        }
        boolean done;
        try {
          done = c.parser.parse(buf);
        } catch (ResponseParser.ProtocolException e) {
          fail(c, ErrorKind.PROTOCOL, e.getMessage());
          return;
        }
        if (done) {
          if (buf.hasRemaining()) {
            fail(c, ErrorKind.PROTOCOL, buf.remaining() + " bytes after a complete response");
            return;
          }
          onResponse(c);
          return;
        }
        if (n < buf.capacity()) {
          return;
        }
      }
    }

    private void onResponse(Conn c) {
      long elapsed = System.nanoTime() - c.intendedAt;
      ResponseParser p = c.parser;
      latency.record(elapsed);
      bodyBytes.addAndGet(p.bodyBytes());
      int status = p.status();
      boolean ok = false;
      if (status < 200 || status > 299) {
        error(c, ErrorKind.STATUS, "status " + status);
      } else if (options.expectedBodyBytes() >= 0 && p.bodyBytes() != options.expectedBodyBytes()) {
        error(c, ErrorKind.SIZE, "body of " + p.bodyBytes() + " bytes, expected " + options.expectedBodyBytes());
      } else {
        ok = true;
      }
      if (options.listener() != null) {
        options.listener().response(System.nanoTime(), ok, p.trackedValue());
      }
      if (options.echoCookies() && !p.setCookies().isEmpty()) {
        rememberCookies(c, p.setCookies());
      }
      boolean close = p.close();
      c.inFlight = false;
      p.reset();
      completed.incrementAndGet();
      if (close) {
        reconnect(c, 0);
      } else {
        issue(c);
      }
    }

    private void rememberCookies(Conn c, List<String> setCookies) {
      Map<String, String> cookies = c.cookies == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.cookies);
      for (String sc : setCookies) {
        int semi = sc.indexOf(';');
        String pair = (semi < 0 ? sc : sc.substring(0, semi)).strip();
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = pair.substring(0, eq);
        String value = pair.substring(eq + 1);
        boolean expired = sc.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty();
        if (expired) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      if (!cookies.equals(c.cookies)) {
        c.cookies = cookies;
        c.request = requestBytes(cookies);
      }
    }

    private void scanTimeouts(long now) {
      long limit = TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
      for (Conn c : conns) {
        if (c.inFlight && now - c.sentAt > limit) {
          fail(c, ErrorKind.TIMEOUT, "no response within " + options.timeoutMillis() + " ms");
        }
      }
    }

    /** A request that got no whole response: count it and replace the connection. */
    private void fail(Conn c, ErrorKind kind, String message) {
      if (c.inFlight) {
        failed.incrementAndGet();
        if (options.listener() != null && running) {
          options.listener().failure(System.nanoTime(), kind);
        }
      }
      error(c, kind, message);
      reconnect(c, 0);
    }

    private void error(Conn c, ErrorKind kind, String message) {
      if (!running) {
        return;
      }
      errors.incrementAndGet(kind.ordinal());
      lastError = kind + " on connection " + c.id + ": " + message;
    }

    private void reconnect(Conn c, long delayNanos) {
      closeQuietly(c);
      c.inFlight = false;
      c.parser.reset();
      if (!running) {
        return;
      }
      if (delayNanos <= 0) {
        open(c);
      } else {
        if (c.queued) {
          delayed.remove(c);
        }
        c.needsConnect = true;
        c.queued = true;
        c.wakeAt = System.nanoTime() + delayNanos;
        delayed.add(c);
      }
    }

    private void closeQuietly(Conn c) {
      if (c.key != null) {
        c.key.cancel();
        c.key = null;
      }
      if (c.channel != null) {
        try {
          c.channel.close();
        } catch (IOException ignored) {
          // already closed
        }
        c.channel = null;
      }
    }
  }

  private byte[] requestBytes(Map<String, String> cookies) {
    StringBuilder sb = new StringBuilder(128)
        .append("GET ").append(options.path()).append(" HTTP/1.1\r\n")
        .append("Host: ").append(options.address().getHostString()).append(':').append(options.address().getPort()).append("\r\n")
        .append("User-Agent: handover-bench\r\n");
    if (!cookies.isEmpty()) {
      sb.append("Cookie: ");
      boolean first = true;
      for (Map.Entry<String, String> e : cookies.entrySet()) {
        sb.append(first ? "" : "; ").append(e.getKey()).append('=').append(e.getValue());
        first = false;
      }
      sb.append("\r\n");
    }
    return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}

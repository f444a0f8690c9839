package io.handover.engine.proxy;

import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A client connection's read interest, turned off only when it matters. Undertow suspends reads on
 * the client's connection once a request head is parsed and resumes them when the answer is sent:
 * on a kept-alive connection that is two {@code epoll_ctl} calls per request (the selector drops
 * the socket, then adds it again), for a socket on which nothing arrives meanwhile. Here a suspend
 * is only noted; the selector keeps the socket, and should bytes (a pipelined request, the client's
 * close) arrive while reads are suspended, they are not handed up: reads are suspended for real
 * then, once. Listeners above see the same calls they would without it. Sits right above the
 * socket, installed when a connection is accepted.
 */
final class LazyReadSuspend extends AbstractStreamSourceConduit<StreamSourceConduit> {

  // volatile: Undertow may resume from a thread other than the connection's IO thread
  private volatile boolean suspended;

  LazyReadSuspend(StreamSourceConduit next) {
    super(next);
  }

  @Override
  public void suspendReads() {
    suspended = true;
  }

  @Override
  public void resumeReads() {
    suspended = false;
    // costs nothing when the selector still has the socket
    next.resumeReads();
  }

  @Override
  public void wakeupReads() {
    suspended = false;
    next.wakeupReads();
  }

  @Override
  public boolean isReadResumed() {
    return !suspended && next.isReadResumed();
  }

  @Override
  public void setReadReadyHandler(ReadReadyHandler handler) {
    next.setReadReadyHandler(handler == null ? null : new Gate(handler));
  }

  /** Hands readiness up only while reads are resumed; otherwise suspends them for real. */
  private final class Gate implements ReadReadyHandler {
    private final ReadReadyHandler up;

    Gate(ReadReadyHandler up) {
      this.up = up;
    }

    @Override
    public void readReady() {
      if (suspended) {
        next.suspendReads();
        if (!suspended) {
          // resumed from another thread in between: its resume may have come before this suspend
          next.resumeReads();
        }
        return;
      }
      up.readReady();
    }

    @Override
    public void forceTermination() {
      up.forceTermination();
    }

    @Override
    public void terminated() {
      up.terminated();
    }
  }
}

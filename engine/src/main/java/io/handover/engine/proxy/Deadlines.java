package io.handover.engine.proxy;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioIoThread;

/**
 * Request deadlines of one IO thread, checked by a sweep every {@value #SWEEP_MILLIS} ms instead of
 * one timer per request: adding and removing is a few pointer writes on the owning thread, where a
 * timer costs a locked tree insert and removal for every request. Deadlines fire up to one sweep
 * late, which is fine for timeouts of hundreds of milliseconds and more.
 *
 * <p>Confined to its IO thread: every method must be called on it.
 */
final class Deadlines {

  static final long SWEEP_MILLIS = 25;
  private static final ThreadLocal<Deadlines> PER_THREAD = new ThreadLocal<>();

  /** Something with a deadline; linked into the list of its IO thread while pending. */
  abstract static class Entry {
    private long deadlineNanos;
    private Entry prev;
    private Entry next;
    private Deadlines owner;

    /** Called on the IO thread once the deadline has passed; the entry is no longer pending. */
    abstract void expired();
  }

  private Entry head;

  /** The deadlines of the current IO thread, which must be {@code thread}. */
  static Deadlines of(XnioIoThread thread) {
    Deadlines d = PER_THREAD.get();
    if (d == null) {
      d = new Deadlines();
      PER_THREAD.set(d);
      d.sweepEvery(thread);
    }
    return d;
  }

  /**
   * Sweeps after each interval, scheduling the next sweep itself: XNIO's own repeating task logs an
   * error with a stack trace when it finds its thread stopping, which is no error at a stop.
   */
  private void sweepEvery(XnioIoThread thread) {
    try {
      thread.executeAfter(() -> {
        sweep();
        sweepEvery(thread);
      }, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the IO thread is stopping: nothing is left to time out
    }
  }

  /** Sets (or moves) the entry's deadline to {@code millis} from now. */
  void schedule(Entry e, long millis) {
    e.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (e.owner == null) {
      e.owner = this;
      e.prev = null;
      e.next = head;
      if (head != null) {
        head.prev = e;
      }
      head = e;
    }
  }

  /** Takes the entry out; nothing happens when it is not pending. */
  void cancel(Entry e) {
    if (e.owner != this) {
      return;
    }
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next != null) {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
    e.owner = null;
  }

  private void sweep() {
    long now = System.nanoTime();
    Entry e = head;
    while (e != null) {
      Entry next = e.next;
      if (now - e.deadlineNanos >= 0) {
        cancel(e);
        try {
          e.expired();
        } catch (RuntimeException ignored) {
          // one failing entry must not stop the sweep for the others
        }
      }
      e = next;
    }
  }
}

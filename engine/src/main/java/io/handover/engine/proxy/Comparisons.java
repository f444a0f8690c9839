package io.handover.engine.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioIoThread;

/**
 * Runs CONCURRENT comparisons on worker threads, off the IO threads, and brings each verdict back
 * to the IO thread of its exchange.
 *
 * <p>An IO thread does not hand each comparison over on its own: it collects the comparisons of one
 * turn of its event loop and hands them to a worker together, once that turn is done, and the worker
 * sends their verdicts back together. Waking a worker and waking an IO thread each cost system calls
 * and a context switch; under load one turn finishes several mirrored requests, and they share one
 * of each.
 *
 * <p>Bounded: when more than {@code limit} comparisons wait, a new one is refused at once
 * ({@link #submit} returns false) and its request is served the older version's answer uncompared,
 * rather than making live traffic wait.
 */
final class Comparisons {

  private static final Logger log = LoggerFactory.getLogger(Comparisons.class);

  /** One comparison: its work on a worker, then its verdict on the IO thread of its exchange. */
  interface Job {
    /** Runs on a worker; may take long, never touches the exchange. */
    void compare();

    /** Runs on the exchange's IO thread after {@link #compare}, or without it when the workers were stopped. */
    void conclude();
  }

  private final ThreadPoolExecutor workers;
  private final int limit;
  /** Comparisons accepted and not yet compared. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** The comparisons an IO thread collected in its current turn; touched by that thread only. */
  private final ThreadLocal<Batch> batches = new ThreadLocal<>();

  Comparisons(int threads, int limit) {
    this.limit = limit;
    this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(limit), r -> {
      Thread t = new Thread(r, "handover-compare");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Queues a comparison; called on {@code ioThread}, the IO thread of the job's exchange. Returns
   * false, having queued nothing, when too many comparisons already wait.
   */
  boolean submit(XnioIoThread ioThread, Job job) {
    if (waiting.incrementAndGet() > limit) {
      waiting.decrementAndGet();
      return false;
    }
    Batch batch = batches.get();
    if (batch == null) {
      batch = new Batch(ioThread);
      batches.set(batch);
    }
    if (batch.jobs.isEmpty()) {
      // tasks an IO thread gives itself run after the channels that were ready in this turn
      ioThread.execute(batch::handOver);
    }
    batch.jobs.add(job);
    return true;
  }

  /** Stops the workers; comparisons not yet run are concluded uncompared. */
  void shutdown() {
    for (Runnable unrun : workers.shutdownNow()) {
      if (unrun instanceof Handed handed) {
        handed.batch().concludeLater(handed.jobs());
      }
    }
  }

  /** A batch's comparisons as handed to the workers. */
  private record Handed(Batch batch, List<Job> jobs) implements Runnable {
    @Override
    public void run() {
      batch.run(jobs);
    }
  }

  /** The comparisons of one IO thread's turn. */
  private final class Batch {
    private final XnioIoThread ioThread;
    private List<Job> jobs = new ArrayList<>();

    Batch(XnioIoThread ioThread) {
      this.ioThread = ioThread;
    }

    /** On the IO thread: the turn is over, the collected comparisons go to a worker together. */
    void handOver() {
      List<Job> taken = jobs;
      jobs = new ArrayList<>();
      try {
        workers.execute(new Handed(this, taken));
      } catch (RejectedExecutionException e) {
        waiting.addAndGet(-taken.size());
        concludeAll(taken);
      }
    }

    /** On a worker. */
    void run(List<Job> taken) {
      for (Job job : taken) {
        try {
          job.compare();
        } catch (RuntimeException | Error e) {
          // a job reports its comparators' failures itself; this is a bug, and its verdict still goes back
          log.error("a comparison failed", e);
        }
        waiting.decrementAndGet();
      }
      concludeLater(taken);
    }

    private void concludeLater(List<Job> taken) {
      try {
        ioThread.execute(() -> concludeAll(taken));
      } catch (RejectedExecutionException e) {
        // the IO thread has stopped: its exchanges are gone with it
      }
    }

    private void concludeAll(List<Job> taken) {
      for (Job job : taken) {
        try {
          job.conclude();
        } catch (RuntimeException e) {
          log.error("serving a compared answer failed", e);
        }
      }
    }
  }
}

package io.handover.engine.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

class ComparisonsTest {

  private XnioWorker worker;
  private XnioIoThread io;

  @BeforeEach
  void start() throws Exception {
    worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    io = worker.getIoThread(0);
  }

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void comparesOnAWorkerAndConcludesOnTheIoThreadInOrder() throws Exception {
    Comparisons comparisons = new Comparisons(2, 1024);
    int jobs = 500;
    List<Integer> concluded = new CopyOnWriteArrayList<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(jobs);
    // submitted in bursts from the IO thread, as the request path does
    for (int burst = 0; burst < jobs / 50; burst++) {
      int first = burst * 50;
      io.execute(() -> {
        for (int i = first; i < first + 50; i++) {
          int n = i;
          boolean queued = comparisons.submit(io, new Comparisons.Job() {
            private boolean compared;

            @Override
            public void compare() {
              if (Thread.currentThread() == io) {
                problems.add("job " + n + " compared on the IO thread");
              }
              compared = true;
            }

            @Override
            public void conclude() {
              if (Thread.currentThread() != io) {
                problems.add("job " + n + " concluded on " + Thread.currentThread().getName());
              }
              if (!compared) {
                problems.add("job " + n + " concluded before it was compared");
              }
              concluded.add(n);
              done.countDown();
            }
          });
          if (!queued) {
            problems.add("job " + n + " refused");
          }
        }
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(problems).isEmpty();
    assertThat(concluded).hasSize(jobs).doesNotHaveDuplicates();
    comparisons.shutdown();
  }

  @Test
  void refusesWhatIsPastTheLimitAtOnceAndTakesMoreOnceTheQueueEmpties() throws Exception {
    Comparisons comparisons = new Comparisons(1, 3);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch concluded = new CountDownLatch(3);
    List<Boolean> accepted = new CopyOnWriteArrayList<>();
    CountDownLatch submitted = new CountDownLatch(1);
    io.execute(() -> {
      for (int i = 0; i < 5; i++) {
        accepted.add(comparisons.submit(io, new Comparisons.Job() {
          @Override
          public void compare() {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }

          @Override
          public void conclude() {
            concluded.countDown();
          }
        }));
      }
      submitted.countDown();
    });
    assertThat(submitted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(accepted).containsExactly(true, true, true, false, false);
    release.countDown();
    assertThat(concluded.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch again = new CountDownLatch(1);
    List<Boolean> later = new CopyOnWriteArrayList<>();
    io.execute(() -> later.add(comparisons.submit(io, new Comparisons.Job() {
      @Override
      public void compare() {
      }

      @Override
      public void conclude() {
        again.countDown();
      }
    })));
    assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(later).containsExactly(true);
    comparisons.shutdown();
  }
}

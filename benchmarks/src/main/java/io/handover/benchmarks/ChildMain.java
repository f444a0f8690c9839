package io.handover.benchmarks;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs another class's {@code main} in a child process, and exits when the parent process is gone, so
 * a benchmark that is killed never leaves a backend or a proxy behind.
 *
 * <p>Usage: {@code ChildMain PARENT_PID MAIN_CLASS [ARGS...]}.
 */
public final class ChildMain {

  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 2) {
      System.err.println("usage: ChildMain PARENT_PID MAIN_CLASS [ARGS...]");
      System.exit(2);
    }
    long parent = Long.parseLong(args[0]);
    Thread watch = new Thread(() -> {
      while (true) {
        Optional<ProcessHandle> p = ProcessHandle.of(parent);
        if (p.isEmpty() || !p.get().isAlive()) {
          System.err.println("parent process " + parent + " is gone; exiting");
          System.exit(3);
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}

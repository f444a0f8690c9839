package io.handover.benchmarks;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Resource use of another process on Linux: resident memory, open files, threads, and heap after GC. */
final class ProcStats {

  private ProcStats() {}

  /** Resident set size in bytes, or -1 when unknown. */
  static long rssBytes(long pid) {
    return statusKb(pid, "VmRSS:") * 1024;
  }

  /** Threads of the process, or -1 when unknown. */
  static long threads(long pid) {
    return statusKb(pid, "Threads:");
  }

  /** Open file descriptors (sockets included), or -1 when unknown. */
  static long openFiles(long pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  private static long statusKb(long pid, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
      for (String line : lines) {
        if (line.startsWith(key)) {
          String[] parts = line.substring(key.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /**
   * A JMX connection to another JVM of the same user, through the attach API. Opening it starts that
   * JVM's local management agent, so open it once, before the first figure that should be compared.
   */
  static final class Jmx implements AutoCloseable {
    private final JMXConnector connector;
    private final MemoryMXBean memory;

    private Jmx(JMXConnector connector, MemoryMXBean memory) {
      this.connector = connector;
      this.memory = memory;
    }

    static Jmx attach(long pid) throws IOException {
      String address;
      try {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
          address = vm.startLocalManagementAgent();
        } finally {
          vm.detach();
        }
      } catch (com.sun.tools.attach.AttachNotSupportedException e) {
        throw new IOException("cannot attach to " + pid + ": " + e.getMessage(), e);
      }
      JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
          connector.getMBeanServerConnection(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
      return new Jmx(connector, memory);
    }

    /** Runs a full GC in the other JVM and returns its used heap afterwards, in bytes. */
    long heapAfterGc() {
      memory.gc();
      return memory.getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
      try {
        connector.close();
      } catch (IOException ignored) {
        // the process may be gone already
      }
    }
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}

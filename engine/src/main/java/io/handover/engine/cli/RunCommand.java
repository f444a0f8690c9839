package io.handover.engine.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.handover.engine.Handover;
import io.handover.engine.config.ConfigException;
import io.handover.engine.config.ConfigLoader;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.plugin.PluginException;
import io.handover.engine.store.StoreRefusedException;
import io.handover.engine.tls.TlsFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/** {@code handover run --config-file F}: runs the proxy until the process is stopped. */
@Parameters(commandDescription = "Run the proxy from a JSON config file")
final class RunCommand {

  private static volatile boolean started;

  @Parameter(names = {"--config-file", "-configFile", "-c"}, description = "JSON config file", required = true)
  String configFile;

  @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help")
  boolean help;

  @Parameter(names = {"--log-level", "-logLevel"}, description = "TRACE, DEBUG, INFO, WARN or ERROR")
  String logLevel;

  @Parameter(names = "--etcd-endpoints", description = "Comma-separated etcd URLs: keep the versions in etcd, shared with other instances")
  String etcdEndpoints;

  @Parameter(names = "--takeover", description = "Replace the Handover running on the same ports and state file: listen beside it,"
      + " then stop it (a self-upgrade; see docs/operations.md)")
  boolean takeover;

  int execute(PrintStream out, PrintStream err) {
    HandoverConfig config;
    try {
      config = ConfigLoader.load(Path.of(configFile), etcdEndpoints);
    } catch (ConfigException e) {
      err.println("handover: " + e.getMessage());
      return HandoverCli.USAGE;
    }
    if (!takeover) {
      // with SO_REUSEPORT a second process would bind quietly beside a running one
      String inUse = ReusePortSelectorProvider.installed() ? listenerInUse(config) : null;
      if (inUse != null) {
        err.println("handover: cannot start: " + inUse + " (to replace the Handover running there, add --takeover)");
        return HandoverCli.USAGE;
      }
    }
    if (takeover) {
      warnUnlessRequestsMigrate(err);
    }
    try {
      Handover handover = start(config, takeover, err);
      stopOnSignals(handover, config.operations().shutdownGraceMillis(), err);
      return HandoverCli.OK;
    } catch (StartFailed e) {
      return e.code;
    }
  }

  /**
   * Connections the kernel queued on the old process's listener when it closes are reset, unless
   * Linux (5.14 and later) moves them to the successor's: {@code net.ipv4.tcp_migrate_req}.
   */
  private static void warnUnlessRequestsMigrate(PrintStream err) {
    try {
      if (java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).strip().equals("0")) {
        err.println("handover: net.ipv4.tcp_migrate_req is 0: connections still queued on the old listener when it closes will be"
            + " reset; sysctl -w net.ipv4.tcp_migrate_req=1 moves them to this process (see docs/operations.md)");
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or no such setting: nothing to say
    }
  }

  /** The proxy did not start; the line saying why is printed, {@code code} is the exit code. */
  static final class StartFailed extends Exception {
    final int code;

    StartFailed(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  /**
   * SIGTERM (or SIGINT) stops the proxy gracefully ({@link Handover#shutdown}) and exits 0; a
   * second one exits at once. A stop that hangs (a worker busy past the grace period) does not
   * keep the process: it exits a few seconds after the grace period whatever is still running.
   */
  static void stopOnSignals(Handover handover, long graceMillis, PrintStream err) {
    AtomicBoolean stopping = new AtomicBoolean();
    SignalHandler handler = signal -> {
      if (!stopping.compareAndSet(false, true)) {
        err.println("handover: SIG" + signal.getName() + " again: stopping now");
        Runtime.getRuntime().halt(1);
      }
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(graceMillis + 5_000);
        } catch (InterruptedException e) {
          return;
        }
        err.println("handover: the stop took longer than shutdownGraceMillis + 5 s; exiting");
        Runtime.getRuntime().halt(0);
      }, "handover-stop-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      Thread stop = new Thread(() -> {
        handover.shutdown();
        System.exit(HandoverCli.OK);
      }, "handover-stop");
      stop.start();
    };
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), handler);
      } catch (IllegalArgumentException e) {
        // a JVM started with -Xrs, or a platform without the signal: the shutdown hook remains
      }
    }
  }

  /** Starts the proxy and a shutdown hook that stops it; on failure prints one line on err. */
  static Handover start(HandoverConfig config, PrintStream err) throws StartFailed {
    return start(config, false, err);
  }

  /** Starts the proxy (as a successor: see {@link Handover#start(HandoverConfig, boolean)}) and a shutdown hook. */
  static Handover start(HandoverConfig config, boolean successor, PrintStream err) throws StartFailed {
    try {
      Handover handover = Handover.start(config, successor);
      Runtime.getRuntime().addShutdownHook(new Thread(handover::close, "handover-shutdown"));
      started = true;
      return handover;
    } catch (PluginException e) {
      err.println("handover: plugins: " + e.getMessage());
    } catch (StoreRefusedException e) {
      err.println("handover: store: " + e.getMessage());
      throw new StartFailed(HandoverCli.USAGE);
    } catch (TlsFileException e) {
      err.println("handover: tls: " + e.getMessage());
      throw new StartFailed(HandoverCli.USAGE);
    } catch (IOException e) {
      err.println("handover: state file: " + e.getMessage());
      throw new StartFailed(HandoverCli.USAGE);
    } catch (RuntimeException e) {
      String inUse = isBindFailure(e) ? listenerInUse(config) : null;
      if (inUse != null) {
        err.println("handover: cannot start: " + inUse);
        throw new StartFailed(HandoverCli.USAGE);
      }
      err.println("handover: cannot start: " + describe(e));
    }
    throw new StartFailed(HandoverCli.FAILED);
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Which listener could not bind, e.g. {@code the proxy listener cannot bind 127.0.0.1:8080
   * (proxy.port): address already in use}; null when both addresses are free again. Both were
   * released when the start failed, so trying them again finds the one another process holds.
   */
  static String listenerInUse(HandoverConfig config) {
    String[][] listeners = {
        {"proxy", config.proxy().bindAddress(), String.valueOf(config.proxy().port()), "proxy.port"},
        {"admin API", config.admin().bindAddress(), String.valueOf(config.admin().port()), "configService.port"}};
    for (String[] l : listeners) {
      int port = Integer.parseInt(l[2]);
      if (port == 0) {
        continue;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(l[1], port));
      } catch (IOException e) {
        return "the " + l[0] + " listener cannot bind " + l[1] + ":" + port + " (" + l[3] + "): "
            + (e instanceof BindException ? "address already in use or not available" : e.getMessage());
      }
    }
    return null;
  }

  /** The command that started the proxy stopped it again: the process may end. */
  static void stopped() {
    started = false;
  }

  static boolean keepsRunning() {
    return started;
  }

  private static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
  }
}

package io.handover.engine.cli;

import io.handover.engine.admin.LogLevels;
import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code handover} command. Runs the proxy ({@code run}, also reached by the original
 * {@code -configFile=... -logLevel=...} form), a self-contained demo ({@code demo}), and drives the
 * admin API of a running proxy ({@code cluster ...}, {@code log-level}); {@code --version} or {@code version} prints the version.
 *
 * <p>Exit codes: 0 done; 1 the proxy refused the request (its message on stderr) or did not start;
 * 2 a usage error or no answer from the admin API (one line on stderr).
 */
public final class HandoverCli {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** Options accepted before any command: the original command line. */
  static final class MainOptions {
    @Parameter(names = {"-configFile", "--config-file"}, description = "JSON config file (runs the proxy)")
    String configFile;

    @Parameter(names = {"-logLevel", "--log-level"}, description = "TRACE, DEBUG, INFO, WARN or ERROR")
    String logLevel;

    @Parameter(names = "--etcd-endpoints", description = "Comma-separated etcd URLs: keep the versions in etcd, shared with other instances")
    String etcdEndpoints;

    @Parameter(names = {"-h", "--help", "-help"}, help = true, description = "Show this help")
    boolean help;

    @Parameter(names = {"-V", "--version"}, description = "Print the version and exit")
    boolean version;
  }

  /** {@code handover version}: the same as {@code --version}. */
  @Parameters(commandDescription = "Print the version")
  static final class VersionCommand {}

  private HandoverCli() {}

  public static void main(String[] args) {
    // before anything opens a channel: listeners a successor can share (see docs/operations.md)
    ReusePortSelectorProvider.install();
    int code = run(args, System.out, System.err);
    if (code != OK || !RunCommand.keepsRunning()) {
      System.exit(code);
    }
  }

  /** Runs the command line; returns the exit code. A {@code run} or {@code demo} returns once started. */
  static int run(String[] rawArgs, PrintStream out, PrintStream err) {
    String[] args = splitEquals(rawArgs);
    MainOptions main = new MainOptions();
    RunCommand run = new RunCommand();
    DemoCommand demo = new DemoCommand();
    ClusterCommand cluster = new ClusterCommand();
    LogLevelCommand logLevel = new LogLevelCommand();
    JCommander jc = JCommander.newBuilder()
        .programName("handover")
        .addObject(main)
        .addCommand("run", run)
        .addCommand("demo", demo)
        .addCommand("cluster", cluster)
        .addCommand("log-level", logLevel)
        .addCommand("version", new VersionCommand())
        .build();
    JCommander clusterParser = jc.getCommands().get("cluster");
    cluster.register(clusterParser);
    try {
      jc.parse(args);
    } catch (ParameterException e) {
      err.println("handover: " + describe(e, args) + " (see " + helpHint(jc) + ")");
      return USAGE;
    }
    String command = jc.getParsedCommand();
    String sub = command != null && command.equals("cluster") ? clusterParser.getParsedCommand() : null;
    ClusterCommand.Action action = sub == null ? null : cluster.action(sub);
    if (main.help || run.help || demo.help || cluster.help || logLevel.admin.help || (action != null && action.admin.help)) {
      JCommander target = main.help || command == null ? jc : jc.getCommands().get(command);
      if (action != null) {
        target = clusterParser.getCommands().get(sub);
      }
      StringBuilder usage = new StringBuilder();
      target.getUsageFormatter().usage(usage);
      out.print(usage);
      return OK;
    }
    if (main.version || "version".equals(command)) {
      out.println("handover " + version());
      return OK;
    }
    try {
      if (command == null) {
        if (main.configFile == null) {
          err.println("handover: give a config file (handover -configFile=conf/handover.json) or a command: run, demo, cluster (see handover --help)");
          return USAGE;
        }
        run.configFile = main.configFile;
        run.logLevel = main.logLevel;
        run.etcdEndpoints = main.etcdEndpoints;
        command = "run";
      }
      String level = switch (command) {
        case "run" -> run.logLevel;
        case "demo" -> demo.logLevel != null || demo.noTour ? demo.logLevel : "ERROR";
        default -> main.logLevel;
      };
      if (level != null && !LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
        err.println("handover: unknown log level '" + level + "'; use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        return USAGE;
      }
      configureLogging(level);
      return switch (command) {
        case "run" -> run.execute(out, err);
        case "demo" -> demo.execute(out, err);
        case "log-level" -> logLevel.run(logLevel.admin.client(), out);
        case "cluster" -> {
          if (action == null) {
            throw new UsageException("cluster needs an action: list, status, get, add, promote, pause, resume, abort, rollback, activate, "
                + "remove (see handover cluster --help)");
          }
          yield action.run(action.admin.client(), out);
        }
        default -> USAGE;
      };
    } catch (UsageException e) {
      err.println("handover: " + e.getMessage());
      return USAGE;
    } catch (AdminClient.Refused e) {
      err.println("handover: " + e.getMessage());
      return FAILED;
    }
  }

  /** JCommander's message, said in the words of this command line. */
  private static String describe(ParameterException e, String[] args) {
    String message = e.getMessage();
    if (message.startsWith("Was passed main parameter '")) {
      String word = message.substring("Was passed main parameter '".length(), message.indexOf('\'', "Was passed main parameter '".length()));
      return (word.startsWith("-") ? "unknown option '" : "unknown command or argument '") + word + "'";
    }
    if (message.startsWith("Expected a command, got ")) {
      return "unknown command '" + message.substring("Expected a command, got ".length()) + "'";
    }
    return message.lines().findFirst().orElse(message);
  }

  private static String helpHint(JCommander jc) {
    String command = jc.getParsedCommand();
    return command == null ? "handover --help" : "handover " + command + " --help";
  }

  /** The version in the engine JAR's manifest; "unknown" when run from a class folder. */
  static String version() {
    String version = HandoverCli.class.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }

  /** Turns {@code -name=value} into {@code -name value}; an empty value takes the next argument. */
  static String[] splitEquals(String[] args) {
    List<String> out = new ArrayList<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("-") && eq > 1) {
        out.add(arg.substring(0, eq));
        String value = arg.substring(eq + 1).strip();
        if (!value.isEmpty()) {
          out.add(value);
        }
      } else {
        out.add(arg);
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Routes Undertow's and XNIO's logging (org.jboss.logging) to SLF4J and Logback, which reads
   * {@code conf/logback.xml}; {@code level}, when given, sets the root logger's level over it.
   */
  static void configureLogging(String level) {
    System.setProperty("org.jboss.logging.provider", "slf4j");
    LogLevels.defaultsUnlessConfigured(level);
  }

  /** A command line that makes sense to the parser but not as a request. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}

package io.handover.engine.cli;

import io.handover.engine.admin.LogLevels;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ServerAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@code handover demo}: two built-in backends (1.0 and 2.0), the proxy in front of them on
 * 127.0.0.1, built-in clients, and a tour of one step per mode — INSTANT, SESSION, GRADUAL,
 * CONCURRENT promoted by evidence, and a failing 2.0 that fails over and is rolled back — with a
 * live view; it ends by itself with a summary. {@code --no-tour} only starts the proxy and the
 * backends, with 1.0 registered, and runs until Ctrl-C.
 */
@Parameters(commandDescription = "A live tour of every mode with built-in backends and clients (ends by itself); --no-tour runs until Ctrl-C")
final class DemoCommand {

  @Parameter(names = "--port", description = "Proxy port")
  int port = 8080;

  @Parameter(names = "--admin-port", description = "Admin API port")
  int adminPort = 9090;

  @Parameter(names = "--backend-ports", description = "Ports of the two demo backends, comma-separated (0: any free port)")
  List<Integer> backendPorts = List.of(8081, 8082);

  @Parameter(names = "--no-tour", description = "No tour and no clients: run the proxy with 1.0 until Ctrl-C, to try it with curl")
  boolean noTour;

  @Parameter(names = "--step", description = "Wait for Enter before each step")
  boolean step;

  @Parameter(names = "--speed", description = "normal, or fast (short steps, for a quick look or a test)")
  String speed = "normal";

  @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help")
  boolean help;

  @Parameter(names = {"--log-level", "-logLevel"}, description = "TRACE, DEBUG, INFO, WARN or ERROR (default for the tour: ERROR)")
  String logLevel;

  /** One step's outcome, for the summary. */
  record Result(String mode, boolean seen, String what) {}

  int execute(PrintStream out, PrintStream err) {
    if (backendPorts.size() != 2) {
      throw new HandoverCli.UsageException("--backend-ports takes two ports, e.g. 8081,8082");
    }
    if (!speed.equals("normal") && !speed.equals("fast")) {
      throw new HandoverCli.UsageException("--speed " + speed + ": use normal or fast");
    }
    DemoBackend v1;
    DemoBackend v2;
    try {
      v1 = new DemoBackend("1.0", backendPorts.get(0));
    } catch (RuntimeException e) {
      err.println("handover: demo backend 1.0 cannot listen on 127.0.0.1:" + backendPorts.get(0) + " (--backend-ports): " + e.getMessage());
      return HandoverCli.USAGE;
    }
    try {
      v2 = new DemoBackend("2.0", backendPorts.get(1));
    } catch (RuntimeException e) {
      v1.close();
      err.println("handover: demo backend 2.0 cannot listen on 127.0.0.1:" + backendPorts.get(1) + " (--backend-ports): " + e.getMessage());
      return HandoverCli.USAGE;
    }
    // a second server of 1.0, so that CONCURRENT can tell noise (what differs between two 1.0 answers) from differences
    DemoBackend v1b = new DemoBackend("1.0", 0);
    ClusterConfig base = new ClusterConfig(UUID.randomUUID().toString(), VersionNumber.parse("1.0"),
        List.of(new ServerAddress("127.0.0.1", v1.port()), new ServerAddress("127.0.0.1", v1b.port())),
        Settings.of(Map.of("mode", "SESSION", "sessionTimeout", 60)), System.currentTimeMillis());
    HandoverConfig config = HandoverConfig.defaults()
        .withListeners(new HandoverConfig.Listener("127.0.0.1", port), new HandoverConfig.Listener("127.0.0.1", adminPort))
        .withClusters(List.of(base));
    Handover handover;
    try {
      handover = RunCommand.start(config, err);
    } catch (RunCommand.StartFailed e) {
      v1.close();
      v1b.close();
      v2.close();
      return e.code;
    }
    int proxyPort = handover.proxyAddress().getPort();
    int admin = handover.adminAddress().getPort();
    if (noTour) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        v1.close();
        v1b.close();
        v2.close();
      }, "demo-backends"));
      printTryIt(out, proxyPort, admin, v2.port());
      return HandoverCli.OK;
    }
    try {
      // the tour stops the proxy while its clients' last connections close; that is no error to show
      LogLevels.quietly("org.xnio.nio", "OFF");
      return new Tour(out, new AdminClient("http://127.0.0.1:" + admin, null), URI.create("http://127.0.0.1:" + proxyPort), v2).run();
    } finally {
      handover.close();
      v1.close();
      v1b.close();
      v2.close();
      RunCommand.stopped();
    }
  }

  private static void printTryIt(PrintStream out, int proxy, int admin, int v2) {
    out.printf("""

        Handover demo is running (no tour).
          proxy:     http://127.0.0.1:%1$d/   (now serving version 1.0)
          admin API: http://127.0.0.1:%2$d/configuration/cluster

        Try it:
          curl -s http://127.0.0.1:%1$d/
          handover cluster add --admin-url http://127.0.0.1:%2$d --server 127.0.0.1:%3$d --version 2.0 --mode INSTANT
          curl -s http://127.0.0.1:%1$d/          # now version 2.0
          handover cluster status --admin-url http://127.0.0.1:%2$d --watch

        Stop with Ctrl-C.
        """, proxy, admin, v2);
    out.flush();
  }

  /** The scripted steps and the live view. */
  private final class Tour {
    private final PrintStream out;
    private final AdminClient admin;
    private final DemoBackend v2;
    private final DemoLoad load;
    private final boolean fast = speed.equals("fast");
    private final boolean ansi = System.console() != null && !fast;
    private final long tickMillis;
    private final List<Result> results = new ArrayList<>();
    private final Set<String> events = new HashSet<>();
    private final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private final List<String> eventLines = new ArrayList<>();
    private final URI proxy;
    private long lastPlainView;

    Tour(PrintStream out, AdminClient admin, URI proxy, DemoBackend v2) {
      this.out = out;
      this.proxy = proxy;
      this.admin = admin;
      this.v2 = v2;
      this.tickMillis = fast ? 200 : 500;
      this.load = new DemoLoad(proxy, 40, 3, fast ? 5 : 20);
    }

    int run() {
      out.println("Handover demo: proxy " + proxyUri() + ", admin API " + admin.base() + "; 40 built-in clients ask /api/items/N.");
      out.println("Versions 1.0 and 2.0 answer those alike; the header X-Demo-Version says which one answered.");
      out.println();
      try {
        instant();
        session();
        gradual();
        concurrent();
        failing();
      } finally {
        load.close();
      }
      summary();
      return results.stream().allMatch(Result::seen) ? HandoverCli.OK : HandoverCli.FAILED;
    }

    private String proxyUri() {
      return proxy.toString();
    }

    private void instant() {
      begin("INSTANT", "2.0 takes every request at once.");
      String id = add("{\"mode\":\"INSTANT\"}", "");
      boolean seen = watch(t -> t.share("2.0") >= 0.95, 2);
      results.add(new Result("INSTANT", seen, seen ? "2.0 took every request at once" : "2.0 did not take all requests"));
      remove(id);
    }

    private void session() {
      begin("SESSION", "clients with a session on 1.0 stay there; new clients go to 2.0 (some clients leave, new ones come).");
      String id = add("{\"mode\":\"SESSION\",\"sessionTimeout\":60}", "");
      boolean[] sticky = {false};
      boolean seen = watch(t -> {
        load.newUsers(fast ? 4 : 2);
        if (t.share("1.0") > 0.05 && t.share("2.0") > 0.05) {
          sticky[0] = true;
        }
        return sticky[0] && t.share("2.0") >= 0.6;
      }, 3);
      results.add(new Result("SESSION", seen, seen ? "old sessions stayed on 1.0 while new clients went to 2.0" : "the sessions did not move as expected"));
      remove(id);
    }

    private void gradual() {
      double s = fast ? 1 : 3;
      begin("GRADUAL", "the share of clients on 2.0 rises: 25 %, 50 %, 75 %, then 100 %, " + (int) s + " s per step.");
      String steps = String.format(Locale.ROOT, "[{\"percentage\":25,\"seconds\":%1$s},{\"percentage\":50,\"seconds\":%1$s},{\"percentage\":75,\"seconds\":%1$s}]", s);
      String id = add("{\"mode\":\"GRADUAL\",\"steps\":" + steps + "}", "");
      boolean[] between = {false};
      boolean seen = watch(t -> {
        if (t.share("2.0") > 0.1 && t.share("2.0") < 0.9) {
          between[0] = true;
        }
        return between[0] && t.share("2.0") >= 0.95;
      }, 3 * s + 2);
      results.add(new Result("GRADUAL", seen, seen ? "the share of 2.0 rose step by step to 100 %" : "the share did not rise to 100 %"));
      remove(id);
    }

    private void concurrent() {
      int matches = fast ? 30 : 200;
      int requests = fast ? 50 : 300;
      begin("CONCURRENT", "every request goes to 1.0 and a copy to 2.0; their answers are compared. Some also go to 1.0's "
          + "second server: what differs between two 1.0 answers (a random requestId) is noise, learned and left out. After "
          + matches + " matches in a row, and once at least " + requests + " requests show a failure rate below 10 % with 95 % "
          + "confidence, 2.0 is promoted to INSTANT.");
      String id = add("{\"mode\":\"CONCURRENT\",\"comparators\":[\"status\",\"body\"],\"learnNoise\":true,\"noiseSampleRate\":0.5}",
          ",\"promote\":[{\"when\":{\"consecutiveMatches\":" + matches + ",\"minRequests\":" + requests
              + ",\"maxFailureRate\":0.1},\"to\":{\"mode\":\"INSTANT\"}}]");
      boolean seen = watch(t -> events.contains("promoted") && t.share("2.0") >= 0.95, 3);
      boolean learned = events.contains("noise");
      results.add(new Result("CONCURRENT", seen && learned, !learned ? "no noise was learned"
          : seen ? "2.0 matched 1.0 once the noise was learned, and was promoted on that evidence" : "2.0 was not promoted"));
      remove(id);
    }

    private void failing() {
      begin("FAILOVER and ROLLBACK", "2.0 takes over, then starts failing (503): requests fail over to 1.0, and 2.0 is rolled back.");
      String id = add("{\"mode\":\"INSTANT\"}", "");
      watch(t -> t.share("2.0") >= 0.95, 1);
      event("2.0 starts answering 503 to everything");
      v2.fail(true);
      long errorsBefore = load.totalErrors();
      boolean seen = watch(t -> events.contains("rolled back") && t.share("1.0") >= 0.95, 2);
      long clientErrors = load.totalErrors() - errorsBefore;
      v2.fail(false);
      results.add(new Result("FAILOVER and ROLLBACK", seen, seen
          ? "2.0 failed, its requests went to 1.0 (" + clientErrors + " errors seen by clients), and it was rolled back"
          : "2.0 was not rolled back"));
      remove(id);
    }

    private void begin(String mode, String what) {
      if (step) {
        out.print("Press Enter for the next step: " + mode + " ");
        out.flush();
        try {
          stdin.readLine();
        } catch (IOException e) {
          // no terminal: go on
        }
      }
      eventLines.clear();
      out.println();
      out.println("== " + mode + ": " + what);
      out.flush();
    }

    private String add(String transition, String fields) {
      String body = "{\"cluster\":{\"version\":\"2.0\",\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":" + v2.port()
          + "}],\"upgradeTransition\":" + transition + fields + "}}";
      String id = admin.send("PUT", "/configuration/cluster", body.getBytes(StandardCharsets.UTF_8)).body().strip();
      events.clear();
      event("added 2.0 (" + StatusRow.shortId(id) + ") in " + transition.replaceAll(".*\"mode\":\"(\\w+)\".*", "$1"));
      load.take();
      return id;
    }

    private void remove(String id) {
      admin.send("DELETE", "/configuration/cluster/" + id, null);
      event("removed 2.0: back to 1.0 alone");
    }

    private void event(String line) {
      String stamped = String.format(Locale.ROOT, "  * %s", line);
      eventLines.add(stamped);
      if (!ansi) {
        out.println(stamped);
        out.flush();
      }
    }

    /**
     * Shows the live view until {@code done} holds (after at least {@code minSeconds}) or the step
     * times out; true when it held.
     */
    private boolean watch(Predicate<DemoLoad.Tick> done, double minSeconds) {
      long start = System.nanoTime();
      long timeout = (long) ((fast ? 30 : 60) * 1e9);
      Set<String> seenHistory = new HashSet<>();
      while (true) {
        try {
          Thread.sleep(tickMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        DemoLoad.Tick tick = load.take();
        JsonNode status = admin.getJson("/status");
        for (JsonNode v : status.path("versions")) {
          for (JsonNode n : v.path("mirror").path("noise").path("places")) {
            String key = v.path("uuid").asText() + " noise " + n.path("kind").asText() + n.path("name").asText();
            if (seenHistory.add(key)) {
              events.add("noise");
              event("noise learned: " + n.path("kind").asText() + " " + n.path("name").asText() + " differs between 1.0's two servers ("
                  + n.path("older").asText() + " / " + n.path("otherOlder").asText() + "), left out of the comparison");
            }
          }
          for (JsonNode h : v.path("history")) {
            String key = v.path("uuid").asText() + h.path("at").asText() + h.path("to").asText();
            if (v.path("version").asText().equals("2.0") && seenHistory.add(key)) {
              String kind = h.path("to").asText().equals("ROLLED_BACK") ? "rolled back" : "promoted";
              events.add(kind);
              event("2.0 " + kind + " (" + h.path("kind").asText() + "): " + h.path("reason").asText());
            }
          }
        }
        draw(tick, StatusRow.of(status));
        boolean held = done.test(tick);
        if (held && System.nanoTime() - start >= minSeconds * 1e9) {
          return true;
        }
        if (System.nanoTime() - start > timeout) {
          return false;
        }
      }
    }

    private void draw(DemoLoad.Tick tick, List<StatusRow> rows) {
      StringBuilder view = new StringBuilder();
      for (String version : List.of("2.0", "1.0")) {
        StatusRow row = rows.stream().filter(r -> r.version().equals(version)).findFirst().orElse(null);
        view.append(String.format(Locale.ROOT, "  %-4s %s %3.0f%%  %5.0f req/s  %-11s %-10s matches %d / mismatches %d%n", version,
            Table.bar(tick.share(version), 30), tick.share(version) * 100, tick.byVersion().getOrDefault(version, 0L) / tick.seconds(),
            row == null ? "-" : row.stateLabel(), row == null ? "" : row.mode(), row == null ? 0 : row.matches(), row == null ? 0 : row.mismatches()));
      }
      view.append(String.format(Locale.ROOT, "  client errors: %d in the last %.1f s%n", tick.errors(), tick.seconds()));
      if (ansi) {
        out.print("\033[H\033[2J");
        out.print("Handover demo: " + results.size() + " of 5 steps done\n\n");
        out.print(view);
        out.println();
        eventLines.forEach(out::println);
      } else if (System.nanoTime() - lastPlainView >= 1_000_000_000L) {
        // without a terminal to redraw in, one view a second
        lastPlainView = System.nanoTime();
        out.print(view);
      }
      out.flush();
    }

    private void summary() {
      out.println();
      out.println("== Summary");
      for (Result r : results) {
        out.printf(Locale.ROOT, "  %-22s %-4s %s%n", r.mode(), r.seen() ? "ok" : "FAIL", r.what());
      }
      out.println("  requests answered per version: " + load.totals() + ", client errors: " + load.totalErrors());
      out.println();
      out.println("The tour is over; the proxy stops now. To try it by hand: handover demo --no-tour");
      out.flush();
    }
  }
}

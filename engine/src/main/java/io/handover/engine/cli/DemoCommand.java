package io.handover.engine.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.handover.api.Settings;
import io.handover.api.VersionNumber;
import io.handover.engine.Handover;
import io.handover.engine.config.HandoverConfig;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.registry.ServerAddress;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code handover demo}: two small backends that say which version they are, and the proxy in front
 * with the first one registered, so that a new user can move traffic with curl at once.
 */
@Parameters(commandDescription = "Run the proxy with two built-in demo backends (versions 1.0 and 2.0)")
final class DemoCommand {

  @Parameter(names = "--port", description = "Proxy port")
  int port = 8080;

  @Parameter(names = "--admin-port", description = "Admin API port")
  int adminPort = 9090;

  @Parameter(names = "--backend-ports", description = "Ports of the two demo backends, comma-separated")
  List<Integer> backendPorts = List.of(8081, 8082);

  @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help")
  boolean help;

  @Parameter(names = {"--log-level", "-logLevel"}, description = "TRACE, DEBUG, INFO, WARN or ERROR")
  String logLevel;

  int execute(PrintStream out, PrintStream err) {
    if (backendPorts.size() != 2) {
      throw new HandoverCli.UsageException("--backend-ports takes two ports, e.g. 8081,8082");
    }
    try {
      backend("1.0", backendPorts.get(0));
      backend("2.0", backendPorts.get(1));
    } catch (RuntimeException e) {
      err.println("handover: demo backend cannot start on ports " + backendPorts + ": " + e.getMessage());
      return HandoverCli.FAILED;
    }
    ClusterConfig v1 = new ClusterConfig(UUID.randomUUID().toString(), VersionNumber.parse("1.0"),
        List.of(new ServerAddress("127.0.0.1", backendPorts.get(0))), Settings.of(Map.of("mode", "INSTANT")),
        System.currentTimeMillis());
    HandoverConfig config = HandoverConfig.defaults()
        .withListeners(new HandoverConfig.Listener("127.0.0.1", port), new HandoverConfig.Listener("127.0.0.1", adminPort))
        .withClusters(List.of(v1));
    Handover handover;
    try {
      handover = RunCommand.start(config, err);
    } catch (RunCommand.StartFailed e) {
      return e.code;
    }
    out.printf("""

        Handover demo is running.
          proxy:     http://127.0.0.1:%1$d/   (now serving version 1.0)
          admin API: http://127.0.0.1:%2$d/configuration/cluster

        Try it:
          curl -s http://127.0.0.1:%1$d/
          curl -s -X PUT http://127.0.0.1:%2$d/configuration/cluster \\
               -d '{"cluster":{"servers":[{"hostname":"127.0.0.1","port":%3$d}],"version":"2.0","upgradeTransition":{"mode":"INSTANT"}}}'
          curl -s http://127.0.0.1:%1$d/          # now version 2.0
          curl -s http://127.0.0.1:%2$d/configuration/cluster

        Stop with Ctrl-C.
        """, handover.proxyAddress().getPort(), handover.adminAddress().getPort(), backendPorts.get(1));
    out.flush();
    return HandoverCli.OK;
  }

  private static void backend(String version, int port) {
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(1)
        .setHandler(exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
          exchange.getResponseHeaders().put(new io.undertow.util.HttpString("X-Demo-Version"), version);
          exchange.getResponseSender().send("{\"version\":\"" + version + "\",\"path\":\""
              + exchange.getRequestPath().replace("\"", "") + "\"}\n");
        })
        .build();
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "demo-backend-" + version));
  }
}

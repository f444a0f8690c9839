package io.handover.engine.cli;

import com.beust.jcommander.Parameter;

/** The options every admin command takes: where the admin API is, its token, and the output form. */
final class AdminOptions {

  static final String DEFAULT_URL = "http://127.0.0.1:9090";

  @Parameter(names = {"--admin-url", "--admin"}, description = "Admin API base URL (default: $HANDOVER_ADMIN_URL, else " + DEFAULT_URL + ")")
  String url;

  @Parameter(names = "--token", description = "Bearer token of the admin API (default: $HANDOVER_TOKEN)")
  String token;

  @Parameter(names = {"-o", "--output"}, description = "Output: table (for people) or json (for scripts)")
  String output = "table";

  @Parameter(names = "--json", description = "The same as -o json")
  boolean json;

  @Parameter(names = {"-h", "--help"}, help = true, description = "Show this command's help")
  boolean help;

  boolean json() {
    return switch (output) {
      case "json" -> true;
      case "table" -> json;
      default -> throw new HandoverCli.UsageException("-o " + output + ": use table or json");
    };
  }

  AdminClient client() {
    String base = url != null ? url : System.getenv().getOrDefault("HANDOVER_ADMIN_URL", DEFAULT_URL);
    String bearer = token != null ? token : System.getenv("HANDOVER_TOKEN");
    return new AdminClient(base, bearer);
  }
}

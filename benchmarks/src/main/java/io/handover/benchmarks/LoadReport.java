package io.handover.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a table of {@link LoadBenchmark} results: throughput from JMH's JSON result file, latency,
 * errors and proxy memory from the benchmark's own {@code load-latency.jsonl}, and the ratio of every
 * proxied run to the direct run with the same body and connections (and of each mode to INSTANT).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.handover.benchmarks.LoadReport JMH_JSON [LATENCY_JSONL]}.
 */
public final class LoadReport {

  private LoadReport() {}

  /** One row: a JMH result and the matching latency record, if any. */
  record Row(Map<String, String> params, double score, double error, JsonNode latency) {
    String param(String key) {
      return params.getOrDefault(key, "");
    }

    /** The parameters other than target and mode: what direct and proxied runs share. */
    String shape() {
      Map<String, String> rest = new TreeMap<>(params);
      rest.remove("target");
      rest.remove("mode");
      return rest.toString();
    }

    double latency(String field) {
      return latency == null || !latency.has(field) ? Double.NaN : latency.get(field).asDouble();
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: LoadReport JMH_RESULT.json [load-latency.jsonl]");
      System.exit(2);
    }
    Path latencyFile = Path.of(args.length > 1 ? args[1] : "load-latency.jsonl");
    List<Row> rows = read(Path.of(args[0]), latencyFile);
    if (rows.isEmpty()) {
      System.err.println("no LoadBenchmark results in " + args[0]);
      System.exit(1);
    }
    System.out.print(format(rows));
  }

  static List<Row> read(Path jmhJson, Path latencyFile) throws IOException {
    Map<String, JsonNode> latest = new HashMap<>();
    if (Files.exists(latencyFile)) {
      for (String line : Files.readAllLines(latencyFile)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode rec = Json.MAPPER.readTree(line);
        String key = key(rec.get("benchmark").asText(), params(rec.get("params")));
        JsonNode old = latest.get(key);
        if (old == null || old.get("finishedAt").asLong() <= rec.get("finishedAt").asLong()) {
          latest.put(key, rec);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (JsonNode result : Json.MAPPER.readTree(jmhJson.toFile())) {
      String benchmark = result.get("benchmark").asText();
      if (!benchmark.endsWith("LoadBenchmark.requests")) {
        continue;
      }
      Map<String, String> params = params(result.get("params"));
      JsonNode metric = result.get("primaryMetric");
      double error = metric.get("scoreError").asDouble();
      rows.add(new Row(params, metric.get("score").asDouble(), Double.isNaN(error) ? 0 : error, latest.get(key(benchmark, params))));
    }
    rows.sort(Comparator.comparing((Row r) -> r.param("body").equals("small") ? 0 : 1)
        .thenComparingLong(r -> number(r.param("connections")))
        .thenComparing(Row::shape)
        .thenComparing(r -> r.param("target"))
        .thenComparingInt(r -> order(r.param("mode"))));
    return rows;
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static int order(String mode) {
    int i = List.of("INSTANT", "SESSION", "GRADUAL", "CONCURRENT").indexOf(mode.toUpperCase(Locale.ROOT));
    return i < 0 ? 99 : i;
  }

  private static Map<String, String> params(JsonNode node) {
    Map<String, String> params = new TreeMap<>();
    if (node != null) {
      node.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
    }
    return params;
  }

  private static String key(String benchmark, Map<String, String> params) {
    return benchmark + params;
  }

  static String format(List<Row> rows) {
    Map<String, Row> direct = new HashMap<>();
    Map<String, Row> instant = new HashMap<>();
    for (Row r : rows) {
      if (r.param("target").equals("direct")) {
        direct.put(r.shape(), r);
      } else if (r.param("mode").equalsIgnoreCase("INSTANT")) {
        instant.put(r.shape(), r);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-6s %5s %-8s %-10s %18s %9s %9s %9s %7s %10s %8s %9s%n",
        "body", "conns", "target", "mode", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "proxy RSS", "/direct", "/INSTANT"));
    for (Row r : rows) {
      Row d = direct.get(r.shape());
      Row i = instant.get(r.shape());
      boolean proxied = r.param("target").equals("proxied");
      double rss = r.latency("proxyMaxRssBytes");
      sb.append(String.format(Locale.ROOT, "%-6s %5s %-8s %-10s %9.0f ± %6.0f %9.3f %9.3f %9.3f %7s %10s %8s %9s%n",
          r.param("body"), r.param("connections"), r.param("target"), proxied ? r.param("mode") : "-",
          r.score(), r.error(), r.latency("p50Millis"), r.latency("p99Millis"), r.latency("p999Millis"),
          r.latency == null ? "?" : Long.toString(r.latency.get("errors").asLong()),
          proxied && rss > 0 ? String.format(Locale.ROOT, "%.0f MiB", rss / 1048576) : "-",
          proxied && d != null ? String.format(Locale.ROOT, "%.2f", r.score() / d.score()) : "-",
          proxied && i != null ? String.format(Locale.ROOT, "%.2f", r.score() / i.score()) : "-"));
    }
    sb.append("req/s: JMH score ± 99.9% error over the measurement iterations; latency over all measured responses"
        + " (log-linear histogram, under 0.8% high); proxy RSS: the largest sample at the end of a measurement iteration.\n");
    return sb.toString();
  }
}

package io.handover.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws req/s and p99 per target as one PNG: bars grouped by path (or load), one colour per target.
 * Reads what {@code compare-peers.sh} prints (its summary table, or the same table as Markdown in
 * docs/benchmarks.md) and the JSON lines {@code LoadBenchmark} writes ({@code load-latency.jsonl}).
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat cp.txt)" io.handover.benchmarks.BenchChart OUT.png FILE...
 * </pre>
 */
public final class BenchChart {

  /** One bar pair: a target's throughput and p99 latency on one path. */
  record Point(String group, String target, double requestsPerSecond, double p99Millis) {}

  private BenchChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: BenchChart OUT.png FILE... (compare-peers.sh output, its Markdown table, or load-latency.jsonl)");
      System.exit(2);
    }
    List<Point> points = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      points.addAll(read(Path.of(args[i])));
    }
    if (points.isEmpty()) {
      System.err.println("BenchChart: no results found in " + List.of(args).subList(1, args.length));
      System.exit(1);
    }
    write(points, "Handover benchmarks: req/s and p99 per target", Path.of(args[0]));
    System.out.println("wrote " + args[0] + " (" + points.size() + " results)");
  }

  static List<Point> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The results in a compare-peers summary, a Markdown table of it, or LoadBenchmark JSON lines. */
  static List<Point> parse(String text) {
    List<Point> points = new ArrayList<>();
    String group = null;
    for (String raw : text.lines().toList()) {
      String line = raw.strip();
      if (line.startsWith("{")) {
        points.add(fromJson(line));
      } else if (line.startsWith("|")) {
        String[] cells = line.split("\\|", -1);
        if (cells.length < 8 || !isNumber(cells[3]) || !isNumber(cells[6])) {
          continue;
        }
        group = cells[1].isBlank() ? group : cells[1].strip();
        points.add(new Point(group, cells[2].strip(), number(cells[3]), number(cells[6])));
      } else if (line.startsWith("/")) {
        String[] t = line.split("\\s+");
        if (t.length >= 6 && isNumber(t[2]) && isNumber(t[5])) {
          points.add(new Point(t[0], t[1], number(t[2]), number(t[5])));
        }
      }
    }
    return points;
  }

  private static Point fromJson(String line) {
    try {
      JsonNode json = BenchJson.MAPPER.readTree(line);
      JsonNode p = json.path("params");
      String group = p.path("body").asText("?") + ", " + p.path("connections").asText("?") + " conn";
      String target = p.path("target").asText("?") + (p.has("mode") && !"direct".equals(p.path("target").asText()) ? " " + p.path("mode").asText() : "");
      return new Point(group, target, json.path("requestsPerSecond").asDouble(), json.path("p99Millis").asDouble());
    } catch (IOException e) {
      throw new UncheckedIOException("not a LoadBenchmark result: " + line, e);
    }
  }

  private static boolean isNumber(String s) {
    return s.strip().replace(" ", "").replace(",", "").matches("[0-9]+(\\.[0-9]+)?");
  }

  private static double number(String s) {
    return Double.parseDouble(s.strip().replace(" ", "").replace(",", ""));
  }

  /** Writes the chart: req/s above, p99 below, sharing the groups. */
  static void write(List<Point> points, String title, Path out) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset rps = new DefaultCategoryDataset();
    DefaultCategoryDataset p99 = new DefaultCategoryDataset();
    for (Point p : points) {
      rps.addValue(p.requestsPerSecond(), p.target(), p.group());
      p99.addValue(p.p99Millis(), p.target(), p.group());
    }
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("path"));
    plot.add(plot(rps, "req/s"), 3);
    CategoryPlot latency = plot(p99, "p99 ms");
    // the same targets in the same colours: one legend for both
    latency.setFixedLegendItems(new LegendItemCollection());
    plot.add(latency, 2);
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(out.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(out.toFile(), chart, 900, 620);
  }

  private static CategoryPlot plot(DefaultCategoryDataset data, String axis) {
    BarRenderer renderer = new BarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    Color[] colours = {new Color(0x88, 0x88, 0x88), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e),
        new Color(0xd6, 0x27, 0x28)};
    for (int i = 0; i < colours.length; i++) {
      renderer.setSeriesPaint(i, colours[i]);
    }
    CategoryPlot plot = new CategoryPlot(data, null, new NumberAxis(axis), renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}

package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {

  @TempDir
  Path dir;

  @Test
  void readsTheScriptsTableItsMarkdownAndLoadBenchmarkLines() {
    String script = """
        path    target         req/s           range    p50 ms    p99 ms  errors   max RSS  /direct
        /small  direct         68345     46633-71992     0.800     3.800       0         -        -
        /small  handover       20948     18672-26933     2.830     8.600       0   133 MiB     0.31
        /small  Handover/nginx: throughput 0.65, p99 1.17
        """;
    assertThat(BenchChart.parse(script)).containsExactly(
        new BenchChart.Point("/small", "direct", 68345, 3.8), new BenchChart.Point("/small", "handover", 20948, 8.6));

    String markdown = """
        | path | target | req/s | range | p50 ms | p99 ms | errors | max RSS | /direct |
        |---|---|---:|---|---:|---:|---:|---:|---:|
        | /large (64 KiB) | direct | 19 983 | 19 641–20 743 | 2.61 | 30.5 | 0 | – | – |
        | | nginx | 14 829 | 12 071–15 769 | 3.80 | 8.4 | 0 | 23 MiB | 0.74 |
        """;
    assertThat(BenchChart.parse(markdown)).containsExactly(
        new BenchChart.Point("/large (64 KiB)", "direct", 19983, 30.5), new BenchChart.Point("/large (64 KiB)", "nginx", 14829, 8.4));

    String jsonl = "{\"params\":{\"target\":\"proxied\",\"mode\":\"INSTANT\",\"body\":\"small\",\"connections\":\"64\"},"
        + "\"requestsPerSecond\":21000.5,\"p99Millis\":9.25}\n";
    assertThat(BenchChart.parse(jsonl)).containsExactly(new BenchChart.Point("small, 64 conn", "proxied INSTANT", 21000.5, 9.25));
  }

  @Test
  void writesAPng() throws Exception {
    Path out = dir.resolve("chart.png");
    BenchChart.write(List.of(new BenchChart.Point("/small", "direct", 68345, 3.8), new BenchChart.Point("/small", "Handover", 20948, 8.6)),
        "test", out);
    byte[] png = Files.readAllBytes(out);
    assertThat(png.length).isGreaterThan(1000);
    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }
}

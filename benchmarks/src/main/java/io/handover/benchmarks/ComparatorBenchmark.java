package io.handover.benchmarks;

import io.handover.api.ComparisonResult;
import io.handover.api.ResponseComparator;
import io.handover.api.ResponseComparatorFactory;
import io.handover.api.ResponseSummary;
import io.handover.api.Settings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of comparing two responses to a mirrored request (CONCURRENT mode), per comparator found
 * with {@link java.util.ServiceLoader}, with default settings: two equal 200 responses with a JSON
 * body. A comparator that is not on the class path fails its set-up with the list of those that are,
 * and is skipped; pick others with {@code -p comparator=a,b}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ComparatorBenchmark {

  @Param({"status", "headers", "body", "latency"})
  public String comparator;

  private ResponseComparator instance;
  private ResponseSummary target;
  private ResponseSummary candidate;

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    ResponseComparatorFactory factory = BenchStrategyContext.comparatorFactory(comparator).orElseThrow(() -> new IllegalStateException(
        "comparator " + comparator + " is not on the class path (found: " + BenchStrategyContext.comparatorNames() + "): skipped"));
    instance = factory.create(Settings.empty());
    byte[] body = "{\"id\":42,\"status\":\"shipped\",\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B-7\",\"qty\":1}]}"
        .getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    Map<String, List<String>> headers = Map.of(
        "content-type", List.of("application/json"),
        "content-length", List.of(Integer.toString(body.length)),
        "cache-control", List.of("no-cache"),
        "date", List.of("Mon, 01 Jan 2024 00:00:00 GMT"));
    target = new ResponseSummary(200, headers, body.length, sha, ByteBuffer.wrap(body), 1_000_000, null);
    candidate = new ResponseSummary(200, headers, body.length, sha, ByteBuffer.wrap(body.clone()), 1_100_000, null);
  }

  @Benchmark
  public ComparisonResult compare() {
    return instance.compare(target, candidate);
  }
}

package io.handover.benchmarks;

import io.handover.engine.cookie.HmacCookieSigner;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The cost of signing a sticky cookie and of checking a good and a forged one (HMAC-SHA256). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CookieSignerBenchmark {

  // what a sticky cookie carries: a version id and an expiry
  private static final String PAYLOAD = "b8c1f0d2-5c7e-4d8a-9a51-0c2f3e4d5a6b:1767225600";

  private HmacCookieSigner signer;
  private String signed;
  private String forged;

  @Setup
  public void setUp() {
    signer = HmacCookieSigner.fromSecret("benchmark-secret-0123456789");
    signed = signer.sign(PAYLOAD);
    char last = signed.charAt(signed.length() - 1);
    forged = signed.substring(0, signed.length() - 1) + (last == 'A' ? 'B' : 'A');
    if (signer.verify(signed).isEmpty() || signer.verify(forged).isPresent()) {
      throw new IllegalStateException("the signer does not round-trip");
    }
  }

  @Benchmark
  public String sign() {
    return signer.sign(PAYLOAD);
  }

  @Benchmark
  public Optional<String> verify() {
    return signer.verify(signed);
  }

  @Benchmark
  public Optional<String> verifyForged() {
    return signer.verify(forged);
  }
}

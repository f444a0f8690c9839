package io.handover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts a backend and Handover as child processes, as the load benchmark does, and sends a few
 * hundred requests through the same load client: none may fail and every body must have the right
 * size. No timing is asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadSmokeTest {

  private static TestBed bed;

  @BeforeAll
  static void start() {
    bed = TestBed.start(new TestBed.Options("proxied", "INSTANT", 2, 1));
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void smallBodiesThroughTheProxy() throws Exception {
    LoadClient.Stats s = load("/small", 8, 400);
    assertThat(s.errorCount()).as("errors: %s", s.describeErrors()).isZero();
    assertThat(s.completed()).isEqualTo(400);
    assertThat(s.bodyBytes()).isEqualTo(400L * BackendServer.SMALL_BYTES);
    assertThat(s.latency().count()).isEqualTo(400);
  }

  @Test
  void largeBodiesThroughTheProxy() throws Exception {
    LoadClient.Stats s = load("/large", 16, 200);
    assertThat(s.errorCount()).as("errors: %s", s.describeErrors()).isZero();
    assertThat(s.completed()).isEqualTo(200);
    assertThat(s.bodyBytes()).isEqualTo(200L * BackendServer.LARGE_BYTES);
  }

  @Test
  void aWrongSizeIsCountedAsAnError() throws Exception {
    LoadClient.Options options = LoadClient.Options.closedLoop(bed.address(), "/small", 2, 1, 99).withMaxRequests(10);
    LoadClient.Stats s;
    try (LoadClient client = new LoadClient(options).start()) {
      assertThat(client.awaitFinished(30, TimeUnit.SECONDS)).isTrue();
      s = client.stats();
    }
    assertThat(s.errors(LoadClient.ErrorKind.SIZE)).isEqualTo(10);
  }

  @Test
  void aMissingPathIsCountedAsAnError() throws Exception {
    LoadClient.Options options = LoadClient.Options.closedLoop(bed.address(), "/missing", 2, 1, -1).withMaxRequests(10);
    LoadClient.Stats s;
    try (LoadClient client = new LoadClient(options).start()) {
      assertThat(client.awaitFinished(30, TimeUnit.SECONDS)).isTrue();
      s = client.stats();
    }
    assertThat(s.errors(LoadClient.ErrorKind.STATUS)).isEqualTo(10);
    assertThat(s.completed()).isEqualTo(10);
  }

  private static LoadClient.Stats load(String path, int connections, int requests) throws Exception {
    LoadClient.Options options = LoadClient.Options.closedLoop(bed.address(), path, connections, 2, BackendServer.bodyBytes(path))
        .withMaxRequests(requests);
    try (LoadClient client = new LoadClient(options).start()) {
      assertThat(client.awaitFinished(60, TimeUnit.SECONDS)).as("finished; last error: %s", client.lastError()).isTrue();
      return client.stats();
    }
  }
}

package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.config.FileClusterStore;
import io.handover.engine.json.Json;
import io.handover.engine.registry.ClusterConfig;
import io.handover.engine.support.HandoverProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a real {@code handover} process again and again while admin changes are under way:
 * after each kill the state file loads, and it holds every change that was acknowledged with a
 * 2xx (added versions are there, deleted ones are gone). A change whose answer never came may
 * or may not be there.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StateFileCrashIT {

  private static final int KILLS = 50;
  private static final int WRITERS = 2;
  private static final int MAX_VERSIONS_PER_WRITER = 3;

  @TempDir
  Path dir;

  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicReference<Throwable> writerFailure = new AtomicReference<>();

  /** What one writer knows: its versions by id (value: version label), and what is unknown. */
  private static final class Writer {
    final Map<String, String> present = new HashMap<>();
    final Set<String> deleted = new HashSet<>();
    String uncertainLabel;
    String uncertainDelete;
  }

  @Test
  void everyAcknowledgedChangeSurvivesASigkill() throws Exception {
    Path state = dir.resolve("state/clusters.json");
    Path config = Files.writeString(dir.resolve("handover.json"), "{\"proxy\":{\"port\":0,\"bindAddress\":\"127.0.0.1\"},"
        + "\"configService\":{\"port\":0},\"stateFile\":\"state/clusters.json\"}");
    Random random = new Random(17);
    List<Writer> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      writers.add(new Writer());
    }
    for (int kill = 0; kill < KILLS; kill++) {
      HandoverProcess p = HandoverProcess.start(config);
      try {
        assertThat(listedIds(p)).as("versions the restarted process loaded, before kill %d", kill)
            .containsExactlyInAnyOrderElementsOf(allPresent(writers));
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          Writer writer = writers.get(w);
          String prefix = "k" + kill + "-w" + w + "-";
          long seed = random.nextLong();
          Thread t = new Thread(() -> change(p.adminPort(), writer, prefix, new Random(seed)), "admin-writer-" + w);
          t.start();
          threads.add(t);
        }
        Thread.sleep(20 + random.nextInt(250));
        p.kill();
        for (Thread t : threads) {
          t.join(30_000);
          assertThat(t.isAlive()).as("writer still waiting after the kill").isFalse();
        }
      } finally {
        p.kill();
      }
      assertThat(writerFailure.get()).as("a change refused while the process ran").isNull();
      Map<String, String> saved = load(state);
      for (Writer w : writers) {
        check(w, saved, kill);
      }
    }
    assertThat(acknowledged.get()).as("changes acknowledged over %d kills", KILLS).isGreaterThanOrEqualTo(KILLS);
    try (HandoverProcess last = HandoverProcess.start(config)) {
      assertThat(listedIds(last)).containsExactlyInAnyOrderElementsOf(allPresent(writers));
    }
  }

  /** PUTs and DELETEs of this writer's own versions until the process is gone. */
  private void change(int adminPort, Writer w, String prefix, Random random) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI clusters = URI.create("http://127.0.0.1:" + adminPort + "/configuration/cluster");
    for (int n = 0; ; n++) {
      boolean delete = !w.present.isEmpty() && (w.present.size() >= MAX_VERSIONS_PER_WRITER || random.nextBoolean());
      try {
        if (delete) {
          String id = List.copyOf(w.present.keySet()).get(random.nextInt(w.present.size()));
          w.uncertainDelete = id;
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(clusters + "/" + id)).DELETE()
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as("DELETE %s: %s", id, r.body()).isEqualTo(202);
          w.present.remove(id);
          w.deleted.add(id);
          w.uncertainDelete = null;
        } else {
          String label = prefix + n;
          w.uncertainLabel = label;
          String body = "{\"cluster\":{\"servers\":[{\"hostname\":\"127.0.0.1\",\"port\":1}],\"version\":\"" + label + "\"}}";
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(clusters).PUT(HttpRequest.BodyPublishers.ofString(body))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as("PUT %s: %s", label, r.body()).isEqualTo(202);
          w.present.put(r.body(), label);
          w.uncertainLabel = null;
        }
        acknowledged.incrementAndGet();
      } catch (IOException killed) {
        return;
      } catch (AssertionError e) {
        writerFailure.compareAndSet(null, e);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Holds the writer's acknowledged changes to what the file holds, then takes the file's word for the rest. */
  private static void check(Writer w, Map<String, String> saved, int kill) {
    for (Map.Entry<String, String> v : w.present.entrySet()) {
      if (!v.getKey().equals(w.uncertainDelete)) {
        assertThat(saved).as("acknowledged version %s after kill %d", v.getValue(), kill).containsEntry(v.getKey(), v.getValue());
      }
    }
    for (String id : w.deleted) {
      assertThat(saved).as("acknowledged deletion after kill %d", kill).doesNotContainKey(id);
    }
    if (w.uncertainDelete != null && !saved.containsKey(w.uncertainDelete)) {
      w.present.remove(w.uncertainDelete);
      w.deleted.add(w.uncertainDelete);
    }
    if (w.uncertainLabel != null) {
      saved.forEach((id, label) -> {
        if (label.equals(w.uncertainLabel)) {
          w.present.put(id, label);
        }
      });
    }
    w.uncertainDelete = null;
    w.uncertainLabel = null;
  }

  private static Set<String> allPresent(List<Writer> writers) {
    Set<String> ids = new HashSet<>();
    writers.forEach(w -> ids.addAll(w.present.keySet()));
    return ids;
  }

  /** The state file as a new instance reads it: id to version label. */
  private static Map<String, String> load(Path state) throws IOException {
    Map<String, String> saved = new HashMap<>();
    if (!Files.exists(state)) {
      return saved;
    }
    try (FileClusterStore store = FileClusterStore.open(state)) {
      for (ClusterConfig c : store.load()) {
        saved.put(c.id(), c.version().label());
      }
    }
    return saved;
  }

  private static List<String> listedIds(HandoverProcess p) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + p.adminPort() + "/configuration/cluster")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonNode c : Json.MAPPER.readTree(r.body())) {
      ids.add(c.path("cluster").path("uuid").asText());
    }
    return ids;
  }
}

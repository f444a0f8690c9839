package io.handover.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.handover.engine.support.ProxyFixture;
import io.handover.engine.support.TestBackend;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated admin bodies over real HTTP: never a 5xx, each answered well
 * within a generous bound, and a rejected body never changes the registry.
 */
class AdminFuzzIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20_140_818L;
  private static final int BODIES = 3000;
  private static final Duration BOUND = Duration.ofSeconds(2);

  /** Values that are wrong somewhere: huge and odd numbers, odd hosts, wrong types, nulls. */
  private static final List<String> ODD = List.of(
      "1e999999999", "1e-999999999", "-1e50000000", "1e50000000", "0", "-1", "65536", "1.5", "0.0000001",
      "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(99), "1" + "0".repeat(150), "1." + "1".repeat(200),
      "\"127.0.0.1:80\"", "\"[::1]\"", "\"::1\"", "\"a b\"", "\"\"", "\" \"", "\"h\u00e9\"", "\"" + "x".repeat(300) + "\"",
      "\"1e999999999\"", "\"NaN\"", "\"-5\"", "\"INSTANT\"", "\"session\"", "\"/h\"", "\"h ealth\"",
      "null", "true", "false", "[]", "[null]", "{}", "{\"x\":1}", "[[[[[[[[[[[[]]]]]]]]]]]]", "\"ROLLED_BACK\"");

  @Test
  void randomBodiesAreAnsweredQuicklyWithoutA5xxAndRejectedOnesChangeNothing() throws Exception {
    try (TestBackend backend = new TestBackend("b", "1.0"); ProxyFixture proxy = new ProxyFixture()) {
      proxy.addVersion("1.0", null, backend);
      List<JsonNode> bases = bases(backend.serverJson());
      Random random = new Random(SEED);
      String before = list(proxy);
      int accepted = 0;
      int rejected = 0;
      for (int i = 0; i < BODIES; i++) {
        String body = body(random, bases);
        long start = System.nanoTime();
        HttpResponse<String> r = proxy.client().send(HttpRequest.newBuilder(proxy.admin("/configuration/cluster"))
            .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.statusCode()).as("%s -> %s", body, r.body()).isLessThan(500);
        assertThat(took).as("time for %s", body).isLessThan(BOUND);
        if (r.statusCode() == 202) {
          accepted++;
          before = list(proxy);
        } else {
          rejected++;
          assertThat(r.statusCode()).as(body).isIn(400, 413);
          assertThat(JSON.readTree(r.body()).get("error").asText()).as(body).isNotBlank();
          assertThat(list(proxy)).as("registry after %s", body).isEqualTo(before);
        }
      }
      // the mutations are mostly wrong but not all: both kinds must have been exercised
      assertThat(rejected).isGreaterThan(BODIES / 2);
      assertThat(accepted).isGreaterThan(10);
    }
  }

  private static String list(ProxyFixture proxy) throws Exception {
    HttpResponse<String> r = proxy.admin("GET", "/configuration/cluster");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static List<JsonNode> bases(String server) throws Exception {
    List<JsonNode> bases = new ArrayList<>();
    for (String extra : List.of(
        "\"upgradeTransition\":{\"mode\":\"GRADUAL\",\"percentageTransitionPerRequest\":1}",
        "\"upgradeTransition\":{\"mode\":\"SESSION\",\"sessionTimeout\":60},\"healthCheck\":{\"path\":\"/h\",\"intervalMillis\":60000}",
        "\"upgradeTransition\":{\"mode\":\"CONCURRENT\"},\"rollback\":{\"enabled\":true,\"windowSeconds\":30,\"maxFailureRate\":0.5,\"minRequests\":20}",
        "\"promote\":[{\"when\":{\"afterSeconds\":3600,\"minRequests\":5,\"maxFailureRate\":0.1},\"to\":{\"mode\":\"INSTANT\"}}]")) {
      bases.add(JSON.readTree("{\"cluster\":{\"servers\":[" + server + "],\"version\":\"2.0\"," + extra + "}}"));
    }
    return bases;
  }

  /** A base body with one to three mutations; now and then cut short or replaced by noise. */
  private static String body(Random random, List<JsonNode> bases) {
    JsonNode body = bases.get(random.nextInt(bases.size())).deepCopy();
    List<String> odd = new ArrayList<>();
    for (int m = 1 + random.nextInt(3); m > 0; m--) {
      mutate(random, body, odd);
    }
    String text = body.toString();
    for (int k = 0; k < odd.size(); k++) {
      text = text.replace("\"@@" + k + "@@\"", odd.get(k));
    }
    int roll = random.nextInt(20);
    if (roll == 0) {
      return text.substring(0, random.nextInt(text.length()));
    }
    if (roll == 1) {
      byte[] noise = new byte[random.nextInt(64)];
      random.nextBytes(noise);
      return new String(noise, StandardCharsets.ISO_8859_1);
    }
    return text;
  }

  private static void mutate(Random random, JsonNode root, List<String> odd) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    String placeholder = "@@" + odd.size() + "@@";
    odd.add(ODD.get(random.nextInt(ODD.size())));
    if (target instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      int op = random.nextInt(4);
      if (names.isEmpty() || op == 0) {
        object.put(random.nextBoolean() ? "unknownKey" : "tokn", placeholder);
      } else if (op == 1) {
        object.remove(names.get(random.nextInt(names.size())));
      } else {
        object.put(names.get(random.nextInt(names.size())), placeholder);
      }
    } else if (target instanceof ArrayNode array) {
      if (array.isEmpty() || random.nextBoolean()) {
        array.add(placeholder);
      } else {
        array.set(random.nextInt(array.size()), JSON.getNodeFactory().textNode(placeholder));
      }
    }
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        collect(it.next(), into);
      }
    }
  }
}

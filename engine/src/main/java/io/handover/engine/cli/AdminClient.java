package io.handover.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.handover.engine.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The admin API over HTTP for the commands. A connection problem is a {@link HandoverCli.UsageException}
 * naming the URL (exit code 2); an answer of 400 or more is {@link Refused} with the proxy's message (exit code 1).
 */
final class AdminClient {

  /** The proxy answered, refusing the request. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  record Reply(int status, String body) {}

  private final String base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(String base, String token) {
    this.base = base.replaceAll("/+$", "");
    this.token = token == null || token.isBlank() ? null : token.strip();
    uri("/");
  }

  String base() {
    return base;
  }

  JsonNode getJson(String path) {
    return parse(send("GET", path, null).body());
  }

  /** Sends the request; an answer of 400 or more throws {@link Refused}. */
  Reply send(String method, String path, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new HandoverCli.UsageException("no admin API at " + base + " (connection refused or timed out; is the proxy running? use --admin-url)");
    } catch (HttpTimeoutException e) {
      throw new HandoverCli.UsageException("the admin API at " + base + " did not answer within 30 s");
    } catch (IOException e) {
      throw new HandoverCli.UsageException("the admin API at " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HandoverCli.UsageException("interrupted while calling " + base);
    }
    if (response.statusCode() >= 400) {
      throw new Refused(response.statusCode(), message(response));
    }
    return new Reply(response.statusCode(), response.body());
  }

  private static String message(HttpResponse<String> response) {
    String text = response.body().strip();
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node != null && node.hasNonNull("error")) {
        String error = node.get("error").asText();
        String field = node.path("field").asText("");
        text = field.isEmpty() || error.startsWith(field) ? error : field + ": " + error;
      }
    } catch (IOException e) {
      // not JSON: the body as it is
    }
    return "the proxy refused (" + response.statusCode() + "): " + (text.isEmpty() ? "no message" : text.lines().findFirst().orElse(""));
  }

  private URI uri(String path) {
    try {
      URI uri = URI.create(base + path);
      if (uri.getScheme() == null || uri.getHost() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new HandoverCli.UsageException("--admin-url " + base + ": not an http(s) URL");
    }
  }

  static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HandoverCli.UsageException("the admin API did not answer JSON: " + e.getMessage());
    }
  }
}

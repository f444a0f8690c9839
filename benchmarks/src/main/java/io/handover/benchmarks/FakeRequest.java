package io.handover.benchmarks;

import io.handover.api.RequestView;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request head held in plain maps, as a strategy would see a real one. */
record FakeRequest(String method, String path, String query, Map<String, List<String>> headerMap,
    Map<String, String> cookies, String clientAddress) implements RequestView {

  FakeRequest {
    headerMap = Map.copyOf(headerMap);
    cookies = Map.copyOf(cookies);
  }

  /** A browser-like GET with no cookies. */
  static FakeRequest get(String path) {
    return new FakeRequest("GET", path, "", Map.of(
        "host", List.of("127.0.0.1:8080"),
        "user-agent", List.of("Mozilla/5.0 (X11; Linux x86_64)"),
        "accept", List.of("*/*")), Map.of(), "127.0.0.1");
  }

  /** The same request with one more header (name matched case-insensitively). */
  FakeRequest withHeader(String name, String value) {
    Map<String, List<String>> more = new HashMap<>(headerMap);
    more.put(name.toLowerCase(Locale.ROOT), List.of(value));
    return new FakeRequest(method, path, query, more, cookies, clientAddress);
  }

  /** The same request carrying the given cookies. */
  FakeRequest withCookies(Map<String, String> cookies) {
    return new FakeRequest(method, path, query, headerMap, cookies, clientAddress);
  }

  @Override
  public String header(String name) {
    List<String> values = headerMap.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public List<String> headers(String name) {
    return headerMap.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  @Override
  public String cookie(String name) {
    return cookies.get(name);
  }
}

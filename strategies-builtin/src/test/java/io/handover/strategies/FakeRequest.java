package io.handover.strategies;

import io.handover.api.RequestView;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request head for tests; header names are matched case-insensitively. */
record FakeRequest(String method, String path, Map<String, String> headers, Map<String, String> cookies)
    implements RequestView {

  FakeRequest {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    headers = Map.copyOf(lower);
    cookies = Map.copyOf(cookies);
  }

  static FakeRequest get(String path) {
    return new FakeRequest("GET", path, Map.of(), Map.of());
  }

  static FakeRequest withCookie(String name, String value) {
    return new FakeRequest("GET", "/", Map.of(), Map.of(name, value));
  }

  @Override
  public String query() {
    return "";
  }

  @Override
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<String> headers(String name) {
    String v = header(name);
    return v == null ? List.of() : List.of(v);
  }

  @Override
  public String cookie(String name) {
    return cookies.get(name);
  }

  @Override
  public String clientAddress() {
    return "127.0.0.1";
  }
}

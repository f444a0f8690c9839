package example.darklaunch;

import io.handover.api.RequestView;
import io.handover.api.RoutingDecision;
import io.handover.api.UpgradeStrategy;
import io.handover.api.VersionInfo;
import io.handover.api.VersionSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Routes opted-in requests to the newest active version and the rest to the one before. Immutable. */
final class DarkLaunchStrategy implements UpgradeStrategy {

  private final String header;
  private final String value;
  private final String cookie;

  DarkLaunchStrategy(String header, String value, String cookie) {
    this.header = header;
    this.value = value;
    this.cookie = cookie;
  }

  @Override
  public RoutingDecision decide(RequestView request, VersionSet versions) {
    VersionInfo newest = versions.active().get(0);
    if (optedIn(request)) {
      return RoutingDecision.to(newest);
    }
    return RoutingDecision.to(versions.activeOlderThan(newest).orElse(newest));
  }

  private boolean optedIn(RequestView request) {
    if (cookie != null && request.cookie(cookie) != null) {
      return true;
    }
    if (value == null) {
      return request.header(header) != null;
    }
    // A header may be repeated; any matching occurrence opts in.
    for (String v : request.headers(header)) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("header", header);
    if (value != null) {
      status.put("value", value);
    }
    if (cookie != null) {
      status.put("cookie", cookie);
    }
    return status;
  }
}

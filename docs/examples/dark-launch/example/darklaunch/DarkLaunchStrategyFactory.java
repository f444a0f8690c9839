package example.darklaunch;

import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import java.util.List;

/**
 * DARK_LAUNCH: requests that opt in with a header or a cookie go to the newest active version; all
 * others go to the version before it.
 *
 * <p>Settings:
 *
 * <ul>
 *   <li>{@code header} (default {@code X-Dark-Launch}): the request header that opts in.
 *   <li>{@code value} (optional): the header value that opts in, compared exactly; when absent, any
 *       value does.
 *   <li>{@code cookie} (optional): a request cookie that opts in whatever its value.
 * </ul>
 */
public final class DarkLaunchStrategyFactory implements UpgradeStrategyFactory {

  static final String NAME = "DARK_LAUNCH";
  static final String HEADER = "header";
  static final String VALUE = "value";
  static final String COOKIE = "cookie";
  static final String DEFAULT_HEADER = "X-Dark-Launch";

  private static final List<String> KNOWN = List.of("mode", HEADER, VALUE, COOKIE);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Requests with the dark-launch header or cookie go to the newest version; all others to the one before.";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    for (String key : settings.keys()) {
      if (!KNOWN.contains(key)) {
        // A misspelt setting must fail loudly rather than silently take its default.
        throw settings.invalid(key, "is not a setting of " + NAME + "; known: " + String.join(", ", KNOWN));
      }
    }
    String header = token(settings, HEADER, settings.string(HEADER).orElse(DEFAULT_HEADER));
    String value = settings.string(VALUE).orElse(null);
    String cookie = settings.string(COOKIE).map(c -> token(settings, COOKIE, c)).orElse(null);
    return new DarkLaunchStrategy(header, value, cookie);
  }

  /** Header and cookie names are RFC 7230 tokens. */
  private static String token(Settings settings, String key, String name) {
    if (name.isEmpty()) {
      throw settings.invalid(key, "must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        throw settings.invalid(key, "must be a name made of letters, digits and !#$%&'*+-.^_`|~ only");
      }
    }
    return name;
  }
}

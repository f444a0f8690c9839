package io.handover.strategies;

import io.handover.api.InvalidSettingException;
import io.handover.api.Mirror;
import io.handover.api.ResponseComparator;
import io.handover.api.Settings;
import io.handover.api.StrategyContext;
import io.handover.api.UpgradeStrategy;
import io.handover.api.UpgradeStrategyFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CONCURRENT: every request goes to the next older active version and is mirrored to the newest;
 * the engine serves the newest version's response only when every comparator says it matches.
 *
 * <p>Settings:
 *
 * <ul>
 *   <li>{@code comparators} (default {@code ["status","headers","body"]}): the comparators to apply,
 *       by name; may be empty, then any two successful responses match.
 *   <li>{@code comparatorSettings} (default none): an object from comparator name to that
 *       comparator's settings object; each name must be in {@code comparators}.
 *   <li>{@code timeoutMillis} (default 5000, 1 to 3600000): how long to wait for the second response.
 *   <li>{@code maxBodyBytes} (default 1048576, 1 to 2147483647): the largest body mirrored and
 *       compared in full.
 *   <li>{@code mirrorMethods} (default {@code ["GET","HEAD","OPTIONS"]}): the methods mirrored,
 *       upper-cased; at least one.
 *   <li>{@code noiseSampleRate} (default 0.05, 0 to 1): the share of mirrored requests that also go
 *       to a second server of the older version, when it has two or more, to learn which fields and
 *       headers differ between two servers of the same version (noise); every {@code 1/rate}-th
 *       request, so a run is reproducible.
 *   <li>{@code learnNoise} (default false): leave the learned noise out of the comparison.
 * </ul>
 *
 * <p>With one active version there is nothing to compare with, and requests simply go to it.
 *
 * <p>Like every built-in mode it also takes {@code match} rules, e.g.
 * {@code "match":[{"header":"X-Canary","equals":"1"}]}: a request that satisfies one goes to this
 * version whatever the mode would do.
 */
public final class ConcurrentStrategyFactory implements UpgradeStrategyFactory {

  /** The mode's name. */
  public static final String NAME = "CONCURRENT";

  static final String COMPARATORS = "comparators";
  static final String COMPARATOR_SETTINGS = "comparatorSettings";
  static final String TIMEOUT_MILLIS = "timeoutMillis";
  static final String MAX_BODY_BYTES = "maxBodyBytes";
  static final String MIRROR_METHODS = "mirrorMethods";
  static final String NOISE_SAMPLE_RATE = "noiseSampleRate";
  static final String LEARN_NOISE = "learnNoise";

  static final List<String> DEFAULT_COMPARATORS = List.of("status", "headers", "body");
  static final long DEFAULT_TIMEOUT_MILLIS = 5000;
  static final long MAX_TIMEOUT_MILLIS = 3_600_000;
  static final long DEFAULT_MAX_BODY_BYTES = 1_048_576;
  static final List<String> DEFAULT_MIRROR_METHODS = List.of("GET", "HEAD", "OPTIONS");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Sends each request to both newest versions and serves the new one's response only when it matches.";
  }

  @Override
  public UpgradeStrategy create(Settings settings, StrategyContext context) {
    StrategySettings.rejectUnknown(settings, NAME,
        List.of(COMPARATORS, COMPARATOR_SETTINGS, TIMEOUT_MILLIS, MAX_BODY_BYTES, MIRROR_METHODS, NOISE_SAMPLE_RATE, LEARN_NOISE));
    List<String> names = comparatorNames(settings);
    Settings perComparator = comparatorSettings(settings, names);
    long timeout = StrategySettings.whole(settings, TIMEOUT_MILLIS, DEFAULT_TIMEOUT_MILLIS, 1, MAX_TIMEOUT_MILLIS);
    long maxBody = StrategySettings.whole(settings, MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, 1, Integer.MAX_VALUE);
    List<String> methods = mirrorMethods(settings);
    double noiseRate = settings.number(NOISE_SAMPLE_RATE, Mirror.DEFAULT_NOISE_SAMPLE_RATE, 0, false, 1);
    boolean learnNoise = settings.bool(LEARN_NOISE, false);
    List<ResponseComparator> comparators = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      comparators.add(comparator(context, names.get(i), i, perComparator));
    }
    return MatchingStrategy.wrap(settings, new ConcurrentStrategy(names, comparators, Duration.ofMillis(timeout), maxBody, methods,
        noiseRate, learnNoise));
  }

  private static List<String> comparatorNames(Settings settings) {
    List<String> names = settings.strings(COMPARATORS).orElse(DEFAULT_COMPARATORS);
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      String field = COMPARATORS + "[" + i + "]";
      if (name.isEmpty()) {
        throw settings.invalid(field, "must not be blank");
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw settings.invalid(field, "names comparator '" + name + "' a second time");
      }
      out.add(name);
    }
    return List.copyOf(out);
  }

  /** The {@code comparatorSettings} object, checked to configure only listed comparators. */
  private static Settings comparatorSettings(Settings settings, List<String> names) {
    Settings all = settings.object(COMPARATOR_SETTINGS).orElse(null);
    if (all == null) {
      return null;
    }
    for (String key : all.keys()) {
      all.object(key); // fails unless the value is an object
      if (names.stream().noneMatch(key::equalsIgnoreCase)) {
        throw all.invalid(key, "configures a comparator that is not in " + COMPARATORS + " " + names);
      }
    }
    return all;
  }

  private static ResponseComparator comparator(StrategyContext context, String name, int index, Settings all) {
    String key = null;
    if (all != null) {
      key = all.keys().stream().filter(name::equalsIgnoreCase).findFirst().orElse(null);
    }
    Settings own = key == null ? Settings.empty() : all.object(key).orElseThrow();
    try {
      return context.comparator(name, own);
    } catch (InvalidSettingException e) {
      String field = e.field();
      if (field.isEmpty() || field.equals(COMPARATORS) || field.startsWith(COMPARATORS + "[")) {
        // An unknown name: point at the list entry rather than the whole list.
        String entry = COMPARATORS + "[" + index + "]";
        throw new InvalidSettingException(entry, entry + ": " + e.getMessage());
      }
      if (field.startsWith(COMPARATOR_SETTINGS + ".")) {
        throw e;
      }
      // The comparator named a field of its own settings; give it its place in ours.
      String full = COMPARATOR_SETTINGS + "." + (key == null ? name : key) + "." + field;
      throw new InvalidSettingException(full, full + ": " + e.getMessage());
    }
  }

  private static List<String> mirrorMethods(Settings settings) {
    List<String> given = settings.strings(MIRROR_METHODS).orElse(DEFAULT_MIRROR_METHODS);
    if (given.isEmpty()) {
      throw settings.invalid(MIRROR_METHODS, "must name at least one method");
    }
    Set<String> methods = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String method = given.get(i).strip().toUpperCase(Locale.ROOT);
      if (method.isEmpty() || !method.chars().allMatch(c -> StrategySettings.isTokenChar((char) c))) {
        throw settings.invalid(MIRROR_METHODS + "[" + i + "]", "must be an HTTP method such as GET");
      }
      methods.add(method);
    }
    return List.copyOf(methods);
  }
}

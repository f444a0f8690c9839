package io.handover.strategies;

import io.handover.api.InvalidSettingException;
import io.handover.api.RequestView;
import io.handover.api.Settings;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code match} rules of an {@code upgradeTransition}, compiled once when the strategy is
 * created: a request that satisfies any rule goes to the version the rules belong to, whatever its
 * mode would do (see {@link MatchingStrategy}).
 *
 * <p>A rule names exactly one of {@code header} or {@code cookie} and gives exactly one of
 * {@code equals} (the whole value, case-sensitive) or {@code regex} (found anywhere in the value;
 * anchor it with {@code ^…$} to match the whole). A header rule reads the header's first value. A
 * request without the header or cookie does not match the rule.
 *
 * <p>Immutable and thread-safe. {@link #matches} allocates nothing once each IO thread has its
 * own matchers: a regex rule keeps one {@link Matcher} per thread and resets it.
 */
final class MatchRules {

  static final String MATCH = "match";
  static final String HEADER = "header";
  static final String COOKIE = "cookie";
  static final String EQUALS = "equals";
  static final String REGEX = "regex";
  private static final Set<String> RULE_KEYS = Set.of(HEADER, COOKIE, EQUALS, REGEX);

  private final Rule[] rules;

  private MatchRules(Rule[] rules) {
    this.rules = rules;
  }

  /**
   * The rules under {@code match} in these settings, or null when there is none.
   *
   * @throws InvalidSettingException naming the rule's field, e.g. {@code match[1].regex}
   */
  static MatchRules parse(Settings settings) {
    List<Settings> given = settings.objects(MATCH).orElse(null);
    if (given == null) {
      return null;
    }
    if (given.isEmpty()) {
      throw settings.invalid(MATCH, "must hold at least one rule such as {\"header\":\"X-Canary\",\"equals\":\"1\"}; leave it out for none");
    }
    Rule[] rules = new Rule[given.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = rule(given.get(i));
    }
    return new MatchRules(rules);
  }

  private static Rule rule(Settings rule) {
    for (String key : rule.keys()) {
      if (!RULE_KEYS.contains(key)) {
        throw rule.invalid(key, "is not a setting of a match rule; known: header, cookie, equals, regex");
      }
    }
    boolean header = rule.has(HEADER);
    boolean cookie = rule.has(COOKIE);
    if (header == cookie) {
      throw rule.invalid(header ? COOKIE : HEADER, header
          ? "cannot be combined with header; a rule reads one header or one cookie"
          : "is required unless cookie is given: a rule reads one header or one cookie");
    }
    String nameKey = header ? HEADER : COOKIE;
    String name = rule.string(nameKey).orElseThrow().strip();
    if (name.isEmpty() || !name.chars().allMatch(c -> StrategySettings.isTokenChar((char) c))) {
      throw rule.invalid(nameKey, "must be a " + nameKey + " name: letters, digits and !#$%&'*+-.^_`|~ only");
    }
    boolean equals = rule.has(EQUALS);
    boolean regex = rule.has(REGEX);
    if (equals == regex) {
      throw rule.invalid(equals ? REGEX : EQUALS, equals
          ? "cannot be combined with equals; give one of them"
          : "is required unless regex is given: give the value to compare with, or a regex");
    }
    if (equals) {
      return new Rule(header, name, rule.string(EQUALS).orElseThrow(), null);
    }
    String expression = rule.string(REGEX).orElseThrow();
    try {
      Pattern pattern = Pattern.compile(expression);
      return new Rule(header, name, null, ThreadLocal.withInitial(() -> pattern.matcher("")));
    } catch (PatternSyntaxException e) {
      throw rule.invalid(REGEX, "is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
    }
  }

  /** Whether the request satisfies any rule. Called on IO threads; never blocks. */
  boolean matches(RequestView request) {
    for (Rule rule : rules) {
      if (rule.matches(request)) {
        return true;
      }
    }
    return false;
  }

  /** How many rules there are. */
  int size() {
    return rules.length;
  }

  /** One rule: a header or a cookie, compared with a value or searched with a pattern. */
  private record Rule(boolean header, String name, String equals, ThreadLocal<Matcher> regex) {

    boolean matches(RequestView request) {
      String value = header ? request.header(name) : request.cookie(name);
      if (value == null) {
        return false;
      }
      if (equals != null) {
        return equals.equals(value);
      }
      Matcher m = regex.get();
      boolean found = m.reset(value).find();
      m.reset(""); // drops the reference to the request's value
      return found;
    }
  }
}

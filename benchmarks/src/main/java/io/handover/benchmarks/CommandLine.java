package io.handover.benchmarks;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.converters.BaseConverter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The command lines of the long-running tests, read by JCommander: an unknown flag, a flag without
 * its value or a value of the wrong kind is a {@link ParameterException} naming the flag.
 */
final class CommandLine {

  private CommandLine() {}

  /** Reads {@code args} into the {@code @Parameter} fields of {@code flags}. */
  static <T> T parse(String program, T flags, String[] args) {
    JCommander commander = commander(program, flags);
    try {
      commander.parse(args);
    } catch (ParameterException e) {
      Set<String> known = commander.getParameters().stream().flatMap(p -> Arrays.stream(p.getParameter().names())).collect(Collectors.toSet());
      for (String a : args) {
        if (a.startsWith("--") && !known.contains(a)) {
          throw new ParameterException("unknown flag " + a);
        }
      }
      throw e;
    }
    return flags;
  }

  /**
   * The options of a {@code main}, or the process ends: with the usage on stdout and 0 after
   * {@code --help}, with the error and the usage on stderr and 2 on bad input.
   *
   * @param defaults a fresh flags object, for the usage text
   */
  static <T> T optionsOrExit(String program, Object defaults, String[] args, Function<String[], T> parse) {
    if (List.of(args).contains("--help")) {
      System.out.print(usage(program, defaults));
      System.exit(0);
    }
    try {
      return parse.apply(args);
    } catch (ParameterException e) {
      System.err.println(program + ": " + e.getMessage());
      System.err.print(usage(program, defaults));
      System.exit(2);
      return null;
    }
  }

  static String usage(String program, Object defaults) {
    StringBuilder sb = new StringBuilder();
    commander(program, defaults).getUsageFormatter().usage(sb);
    return sb.toString();
  }

  /** A {@link ParameterException} unless {@code value} is at least {@code min}. */
  static void atLeast(String flag, double value, double min) {
    if (value < min) {
      throw new ParameterException(flag + " must be at least " + number(min) + ", not " + number(value));
    }
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static JCommander commander(String program, Object flags) {
    return JCommander.newBuilder().programName(program).addObject(flags).build();
  }

  /** {@code 90} (seconds), {@code 90s}, {@code 10m}, {@code 1h}. */
  public static final class DurationConverter extends BaseConverter<Duration> {

    public DurationConverter(String optionName) {
      super(optionName);
    }

    @Override
    public Duration convert(String value) {
      char unit = value.isEmpty() ? '?' : value.charAt(value.length() - 1);
      String digits = Character.isDigit(unit) ? value : value.substring(0, Math.max(0, value.length() - 1));
      long n;
      try {
        n = Long.parseLong(digits);
        if (n < 0) {
          throw new NumberFormatException("negative");
        }
      } catch (NumberFormatException e) {
        throw new ParameterException(getErrorString(value, "a duration (e.g. 90, 30s, 10m, 1h)"));
      }
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> {
          if (Character.isDigit(unit)) {
            yield Duration.ofSeconds(n);
          }
          throw new ParameterException(getErrorString(value, "a duration (e.g. 90, 30s, 10m, 1h)"));
        }
      };
    }
  }
}

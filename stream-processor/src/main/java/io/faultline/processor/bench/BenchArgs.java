package io.faultline.processor.bench;

import io.faultline.processor.replay.ReplayCli;
import io.faultline.schemas.bench.BenchReport;
import io.faultline.schemas.config.ConfigException;
import io.faultline.stack.StackException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** Flag parsing shared by the benchmarks: every problem is one line for {@code faultline bench KIND: <reason>}. */
final class BenchArgs {
  private BenchArgs() {}

  /** A benchmark's run once its arguments are parsed and checked: its report. */
  interface Measure<O> {
    BenchReport measure(O options) throws IOException;
  }

  /**
   * The command line every benchmark shares: {@code parse} (null: print the usage, exit 0; a bad
   * argument: one line, exit 2), {@code check} the options the same way, then measure, print and
   * write the report; a failure is one line and exit 1.
   */
  static <O> int runCli(String name, String usage, String[] args, PrintStream out, PrintStream err,
                        Function<String[], O> parse, Consumer<O> check, Measure<O> measure) {
    ReplayCli.quietClients();
    String prefix = "faultline bench " + name + ": ";
    O options;
    try {
      options = parse.apply(args);
      if (options == null) {
        out.println(usage);
        return 0;
      }
      check.accept(options);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println(prefix + e.getMessage());
      return 2;
    }
    BenchReport report;
    try {
      report = measure.measure(options);
    } catch (IOException | StackException | IllegalStateException | UncheckedIOException e) {
      err.println(prefix + e.getMessage());
      return 1;
    }
    try {
      report.printAndWrite(out);
      return 0;
    } catch (IOException e) {
      err.println(prefix + "cannot write the report: " + e.getMessage());
      return 1;
    }
  }

  static String value(String flag, String v) {
    if (v == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return v;
  }

  static long number(String flag, String v, long min, long max) {
    String s = value(flag, v);
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + s + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  static void flag(String flag, String v, Map<String, String> into) {
    String s = value(flag, v);
    int eq = s.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " needs key=value, got '" + s + "'");
    }
    into.put(s.substring(0, eq), s.substring(eq + 1));
  }
}

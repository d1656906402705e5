package io.faultline.processor.cli;

import io.faultline.processor.ProcessorApp;
import io.faultline.processor.demo.Demo;
import io.faultline.processor.sim.SimulateCli;
import java.util.Arrays;

/**
 * Entry point of the stream-processor module's commands ({@code ./faultline demo|processor|replay|
 * simulate|bench}); the launcher passes the command name as the first argument.
 */
public final class ProcessorCli {

  private ProcessorCli() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    if (args.length == 0) {
      System.err.println("faultline: no command given (try ./faultline help)");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "simulate" -> SimulateCli.run(rest);
      case "processor" -> ProcessorApp.run(rest);
      case "demo" -> Demo.run(rest);
      default -> {
        System.err.println("faultline " + args[0] + ": not available in this build");
        yield 2;
      }
    };
  }
}

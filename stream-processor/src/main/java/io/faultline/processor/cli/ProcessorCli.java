package io.faultline.processor.cli;

import io.faultline.processor.ProcessorApp;
import io.faultline.processor.bench.LatencyBench;
import io.faultline.processor.bench.ScaleBench;
import io.faultline.processor.bench.ThroughputBench;
import io.faultline.processor.demo.Demo;
import io.faultline.processor.eval.AccuracyBench;
import io.faultline.processor.replay.ReplayCli;
import io.faultline.processor.sim.SimulateCli;
import java.util.Arrays;

/**
 * Entry point of the stream-processor module's commands ({@code ./faultline demo|processor|replay|
 * simulate|tail|bench}); the launcher passes the command name as the first argument.
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
      case "demo" -> Demo.run(rest);
      case "simulate" -> SimulateCli.run(rest);
      case "processor" -> ProcessorApp.run(rest);
      case "replay" -> ReplayCli.run(rest);
      case "tail" -> TopicTail.run(rest);
      case "bench" -> {
        String kind = rest.length > 0 ? rest[0] : "";
        String[] benchArgs = rest.length > 0 ? Arrays.copyOfRange(rest, 1, rest.length) : rest;
        yield switch (kind) {
          case "accuracy" -> AccuracyBench.run(benchArgs);
          case "throughput" -> ThroughputBench.run(benchArgs);
          case "latency" -> LatencyBench.run(benchArgs);
          case "scale" -> ScaleBench.run(benchArgs);
          default -> {
            System.err.println("faultline bench: unknown benchmark '" + kind + "' (available: accuracy, throughput, "
                + "latency, scale, probe, all)");
            yield 2;
          }
        };
      }
      default -> {
        System.err.println("faultline: unknown command '" + args[0] + "' (try ./faultline help)");
        yield 2;
      }
    };
  }
}

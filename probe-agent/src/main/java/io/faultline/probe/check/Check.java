package io.faultline.probe.check;

import io.faultline.probe.Sample;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One independently scheduled measurement. {@link #run()} never completes exceptionally for a
 * failing target: a target that is down, slow or wrong is a measurement, reported as samples.
 */
public interface Check {

  /** Stable name for logs, e.g. {@code dns:db.internal@10.0.0.53}. */
  String name();

  long intervalMs();

  /** Starts one measurement; the future completes with its samples within the check's timeout. */
  CompletableFuture<List<Sample>> run();
}

package io.faultline.probe.spool;

import io.faultline.probe.Sample;
import java.util.List;

/** Where the agent hands what it measured. */
@FunctionalInterface
public interface SampleSink {
  void accept(List<Sample> samples);
}

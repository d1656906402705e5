package io.faultline.probe.spool;

import io.faultline.probe.Sample;
import java.util.List;

/** Appends every sample to the spool; the sender takes it from there. */
public final class SpoolSink implements SampleSink {

  private final Spool spool;

  public SpoolSink(Spool spool) {
    this.spool = spool;
  }

  @Override
  public void accept(List<Sample> samples) {
    for (Sample s : samples) {
      spool.append(s.topic().name(), SpoolCodec.key(s), SpoolCodec.value(s), s.timestamp());
    }
  }
}

package io.faultline.processor.detect;

import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceStatusSample;
import org.apache.avro.specific.SpecificRecord;

/** A telemetry sample with the fields every sample type shares, read once. */
record Telemetry(SpecificRecord sample, String entity, long eventTime, int intervalMs) {

  /** The sample's common fields, or null if the record is no telemetry sample. */
  static Telemetry of(SpecificRecord r) {
    if (r instanceof DiskSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof MemorySample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof NetworkSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof DnsSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof AppCheckSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof PoolMemberSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    } else if (r instanceof ServiceStatusSample s) {
      return new Telemetry(s, s.getEntity(), s.getEventTime().toEpochMilli(), s.getIntervalMs());
    }
    return null;
  }
}

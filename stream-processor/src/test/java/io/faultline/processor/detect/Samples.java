package io.faultline.processor.detect;

import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceState;
import io.faultline.telemetry.ServiceStatusSample;
import java.time.Instant;

/** Telemetry samples for tests; {@code s} is seconds after {@link #T0}. */
final class Samples {

  static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  private Samples() {}

  static Instant at(double s) {
    return T0.plusMillis(Math.round(s * 1000));
  }

  static DiskSample disk(String entity, double s, double writeLatencyMs, long ioErrors) {
    return DiskSample.newBuilder().setEntity(entity).setEventTime(at(s)).setReadIops(900).setWriteIops(500)
        .setReadLatencyMs(1.0).setWriteLatencyMs(writeLatencyMs).setIoErrors(ioErrors).setUtilization(0.3).build();
  }

  static MemorySample memory(String entity, double s, double pageIn) {
    return MemorySample.newBuilder().setEntity(entity).setEventTime(at(s)).setPageInPerSec(pageIn)
        .setPageOutPerSec(10).setSwapInPerSec(0).setSwapOutPerSec(0).setUsedRatio(0.5).build();
  }

  static DnsSample dns(String name, String resolver, double s, DnsRcode rcode) {
    return DnsSample.newBuilder().setEntity(name).setEventTime(at(s)).setResolver(resolver).setRcode(rcode)
        .setLatencyMs(rcode == DnsRcode.TIMEOUT ? 5000 : 2).build();
  }

  static AppCheckSample app(String entity, double s, boolean ok) {
    return AppCheckSample.newBuilder().setEntity(entity).setEventTime(at(s)).setCheck("purchase").setOk(ok)
        .setLatencyMs(100).setStatus(ok ? 200 : 500).setFailedStep(ok ? null : "pay").build();
  }

  static PoolMemberSample pool(String pool, String member, double s, MemberState state) {
    return PoolMemberSample.newBuilder().setEntity(pool).setEventTime(at(s)).setMember(member).setState(state).build();
  }

  static ServiceStatusSample service(String entity, double s, ServiceState state) {
    return ServiceStatusSample.newBuilder().setEntity(entity).setEventTime(at(s)).setState(state).build();
  }
}

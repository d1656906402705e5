package io.faultline.schemas;

import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.CandidateRef;
import io.faultline.correlation.Evidence;
import io.faultline.correlation.Incident;
import io.faultline.correlation.IncidentState;
import io.faultline.correlation.RootCauseCandidate;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.internal.CorrelationInputKind;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemberState;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import io.faultline.telemetry.PoolMemberSample;
import io.faultline.telemetry.ServiceState;
import io.faultline.telemetry.ServiceStatusSample;
import io.faultline.topology.Dependency;
import io.faultline.topology.Entity;
import io.faultline.topology.TopologyEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One record of every generated type, with every optional field set, for serde tests. */
public final class SampleRecords {
  public static final Instant T = Instant.parse("2026-11-21T10:00:00.123Z");

  private SampleRecords() {}

  public static DnsSample dns() {
    return DnsSample.newBuilder().setEntity("dns-name:db.checkout.internal").setEventTime(T).setProbe("probe-1")
        .setIntervalMs(5000).setResolver("dns-resolver:10.0.0.53").setRcode(DnsRcode.TIMEOUT).setLatencyMs(2000.5).build();
  }

  public static Symptom symptom() {
    return Symptom.newBuilder().setEntity("disk:esx-01/sda").setSignal("disk.ioErrors").setRelated("host:esx-01")
        .setState(SymptomState.RAISED).setSeverity(Severity.CRITICAL).setOnset(T).setEventTime(T.plusSeconds(30))
        .setDescription("12 I/O errors in 3 of 3 samples").setObserved(12.0).setBaseline(0.0).setThreshold(1.0)
        .setAbnormalSamples(3).build();
  }

  public static Incident incident() {
    return Incident.newBuilder().setId("inc-7f3a").setState(IncidentState.UPDATED).setVersion(3)
        .setRootCause("dns-resolver:10.0.0.53").setRootCauseKind(EntityKind.DNS_RESOLVER).setScore(0.93)
        .setSeverity(Severity.CRITICAL).setAffected(List.of("app:checkout", "app:search"))
        .setAffectedApplications(List.of("app:checkout")).setPredictedAffected(List.of("app:search"))
        .setCandidates(List.of(new CandidateRef(1, "dns-resolver:10.0.0.53", 0.93), new CandidateRef(2, "switch:tor-a", 0.4)))
        .setOpenedAt(T).setOnset(T.minusSeconds(60)).setUpdatedAt(T.plusSeconds(90)).setResolvedAt(T.plusSeconds(600))
        .setReopenCount(1).setSummary("checkout and search fail to resolve names since 10:00 UTC")
        .setLabels(Map.of("site", "par1", "team", "net")).build();
  }

  public static TopologyEvent entityEvent() {
    return TopologyEvent.newBuilder().setEventTime(T)
        .setEntity(Entity.newBuilder().setId("pool:web").setKind(EntityKind.POOL).setMinHealthy(2)
            .setLabels(Map.of("tier", "web")).build())
        .setRemoved(false).setSource("inventory.yaml").build();
  }

  /** Every value type of {@link Topics#ALL} plus the internal correlation input. */
  public static List<SpecificRecord> all() {
    return List.of(
        DiskSample.newBuilder().setEntity("disk:esx-01/sda").setEventTime(T).setProbe("probe-1").setIntervalMs(10000)
            .setReadIops(120.5).setWriteIops(80.25).setReadLatencyMs(1.5).setWriteLatencyMs(250.0).setIoErrors(12L)
            .setUtilization(0.97).build(),
        MemorySample.newBuilder().setEntity("vm:web-01").setEventTime(T).setProbe(null).setIntervalMs(10000)
            .setPageInPerSec(1200).setPageOutPerSec(300).setSwapInPerSec(40).setSwapOutPerSec(12).setUsedRatio(0.99)
            .build(),
        NetworkSample.newBuilder().setEntity("nic:esx-01/vmnic0").setEventTime(T).setProbe("probe-2")
            .setRxPacketsPerSec(1e5).setTxPacketsPerSec(9e4).setRxErrors(3).setTxErrors(0).setRxDropped(17)
            .setTxDropped(1).setRetransPerSec(4.5).build(),
        dns(),
        AppCheckSample.newBuilder().setEntity("app:checkout").setEventTime(T).setProbe("synthetics").setCheck("purchase")
            .setOk(false).setLatencyMs(5003.2).setStatus(502).setFailedStep("pay").build(),
        PoolMemberSample.newBuilder().setEntity("pool:web").setEventTime(T).setMember("vm:web-03")
            .setState(MemberState.DRAINING).build(),
        ServiceStatusSample.newBuilder().setEntity("svc:postgres").setEventTime(T).setState(ServiceState.DEGRADED).build(),
        entityEvent(),
        TopologyEvent.newBuilder().setEventTime(null).setDependency(new Dependency("app:checkout", "pool:web"))
            .setRemoved(true).setSource(null).build(),
        symptom(),
        RootCauseCandidate.newBuilder().setIncidentId("inc-7f3a").setRank(1).setCandidateCount(2).setScore(0.93)
            .setEntity("dns-resolver:10.0.0.53").setEntityKind(EntityKind.DNS_RESOLVER)
            .setAffected(List.of("app:checkout", "app:search")).setPredictedAffected(List.of("app:billing"))
            .setEvidence(List.of(Evidence.newBuilder().setEntity("dns-name:db.checkout.internal").setSignal("dns.rcode")
                .setRelated("dns-resolver:10.0.0.53").setSeverity(Severity.CRITICAL).setOnset(T)
                .setDescription("rcode TIMEOUT in 3 of 3 samples")
                .setPath(List.of("dns-resolver:10.0.0.53", "dns-name:db.checkout.internal")).setExplained(true).build()))
            .setReasons(List.of("earliest onset", "all 3 names on this resolver fail")).setLabels(Map.of("site", "par1"))
            .setEventTime(T.plusSeconds(100)).build(),
        incident(),
        CorrelationInput.newBuilder().setUpstreamPartition(4).setKind(CorrelationInputKind.SYMPTOM).setSymptom(symptom())
            .setTopology(entityEvent()).setEntity("disk:esx-01/sda").setTime(T).build());
  }
}

package io.faultline.processor.bench;

import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.schemas.scenario.ScenarioReader;
import io.faultline.schemas.scenario.ScenarioRecord;
import io.faultline.telemetry.AppCheckSample;
import io.faultline.telemetry.DiskSample;
import io.faultline.telemetry.DnsRcode;
import io.faultline.telemetry.DnsSample;
import io.faultline.telemetry.MemorySample;
import io.faultline.telemetry.NetworkSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/**
 * The estate of the latency benchmark, sampled live: pairs of DNS resolvers, each pair serving its
 * own DNS names (probed through both resolvers every {@link #DNS_INTERVAL_MS}), and a background of
 * hosts, VMs, datastores, NICs and applications whose sampling interval sets the load. Values stay
 * within a few percent of their level, so the background raises nothing; a failed resolver makes
 * every probe through it time out.
 */
final class LiveEstate {
  static final int DNS_INTERVAL_MS = 1_000;
  static final int NAMES_PER_PAIR = 6;

  /** One probed thing: what it measures, how often, and where its next sample is due (wall clock, ms). */
  static final class Series {
    final Topic<?> topic;
    final String entity;
    /** For DNS series, the resolver asked. */
    final String resolver;
    final int intervalMs;
    final double level;
    long nextDue;
    /** Failed samples sent since its resolver failed (DNS only). */
    int failedSent;
    /** Event time of its third failed sample, the one that completes the detector's 3-of-5 confirmation. */
    long confirmedAt = -1;

    Series(Topic<?> topic, String entity, String resolver, int intervalMs, double level) {
      this.topic = topic;
      this.entity = entity;
      this.resolver = resolver;
      this.intervalMs = intervalMs;
      this.level = level;
    }
  }

  final List<String> topologyLines = new ArrayList<>();
  final List<Series> series = new ArrayList<>();
  final List<String> resolvers = new ArrayList<>();
  private final SplittableRandom rnd;

  /**
   * @param resolverPairs pairs of resolvers (one fault per resolver at most)
   * @param background background entities
   * @param backgroundIntervalMs their sampling interval
   */
  LiveEstate(int resolverPairs, int background, int backgroundIntervalMs, long seed) {
    rnd = new SplittableRandom(seed);
    List<String> names = new ArrayList<>();
    for (int g = 0; g < resolverPairs; g++) {
      String a = entity("dns-resolver:10.%d.0.53".formatted(g), "dns-resolver");
      String b = entity("dns-resolver:10.%d.1.53".formatted(g), "dns-resolver");
      resolvers.add(a);
      resolvers.add(b);
      for (int n = 0; n < NAMES_PER_PAIR; n++) {
        String name = entity("dns-name:svc-%d-%d.internal".formatted(g, n), "dns-name");
        names.add(name);
        for (String r : List.of(a, b)) {
          depends(name, r);
          series.add(new Series(Topics.DNS, name, r, DNS_INTERVAL_MS, 1.5 + rnd.nextDouble() * 2));
        }
      }
    }
    String[] switches = {entity("switch:tor-a", "switch"), entity("switch:tor-b", "switch")};
    int added = 0;
    for (int h = 0; added < background; h++) {
      String host = entity("host:esx-%05d".formatted(h), "host");
      String nic = entity("nic:esx-%05d/vmnic0".formatted(h), "nic");
      String ds = entity("datastore:ds-%05d".formatted(h), "datastore");
      depends(host, nic);
      depends(nic, switches[h % 2]);
      series.add(new Series(Topics.MEMORY, host, null, backgroundIntervalMs, 10 + rnd.nextDouble() * 20));
      series.add(new Series(Topics.NETWORK, nic, null, backgroundIntervalMs, 2_500 + rnd.nextDouble() * 5_500));
      series.add(new Series(Topics.DISK, ds, null, backgroundIntervalMs, 1 + rnd.nextDouble() * 2));
      added += 3;
      for (int v = 0; v < 4 && added < background; v++) {
        String vm = entity("vm:vm-%05d-%d".formatted(h, v), "vm");
        depends(vm, host);
        depends(vm, ds);
        series.add(new Series(Topics.MEMORY, vm, null, backgroundIntervalMs, 10 + rnd.nextDouble() * 20));
        added++;
        if (v == 0 && added < background) {
          String app = entity("app:app-%05d".formatted(h), "application");
          depends(app, vm);
          depends(app, names.get(h % names.size()));
          series.add(new Series(Topics.APP, app, null, backgroundIntervalMs, 60 + rnd.nextDouble() * 170));
          added++;
        }
      }
    }
    long now = System.currentTimeMillis();
    for (Series s : series) {
      s.nextDue = now + rnd.nextLong(s.intervalMs);
    }
  }

  private String entity(String id, String kind) {
    topologyLines.add("{\"type\":\"entity\",\"id\":\"" + id + "\",\"kind\":\"" + kind + "\"}");
    return id;
  }

  private void depends(String from, String to) {
    topologyLines.add("{\"type\":\"depends\",\"from\":\"" + from + "\",\"to\":\"" + to + "\"}");
  }

  /** The topology as records of {@code faultline.topology}. */
  List<ScenarioRecord> topology() {
    List<ScenarioRecord> out = new ArrayList<>();
    long n = 0;
    for (String l : topologyLines) {
      out.add(ScenarioReader.parse(l, ++n));
    }
    return out;
  }

  /** The sample of {@code s} taken at {@code t}; {@code failed} makes a DNS probe time out. */
  SpecificRecord sample(Series s, long t, boolean failed) {
    Instant at = Instant.ofEpochMilli(t);
    double jitter = 1 + (rnd.nextDouble() - 0.5) * 0.1;
    if (s.topic == Topics.DNS) {
      return DnsSample.newBuilder().setEntity(s.entity).setEventTime(at).setIntervalMs(s.intervalMs)
          .setResolver(s.resolver).setRcode(failed ? DnsRcode.TIMEOUT : DnsRcode.NOERROR)
          .setLatencyMs(failed ? 5_000 : s.level * jitter).build();
    }
    if (s.topic == Topics.MEMORY) {
      return MemorySample.newBuilder().setEntity(s.entity).setEventTime(at).setIntervalMs(s.intervalMs)
          .setPageInPerSec(s.level * jitter).setPageOutPerSec(s.level * 0.7 * jitter).setSwapInPerSec(0)
          .setSwapOutPerSec(0).setUsedRatio(0.7).build();
    }
    if (s.topic == Topics.NETWORK) {
      return NetworkSample.newBuilder().setEntity(s.entity).setEventTime(at).setIntervalMs(s.intervalMs)
          .setRxPacketsPerSec(s.level * jitter).setTxPacketsPerSec(s.level * 0.9 * jitter).setRxErrors(0)
          .setTxErrors(0).setRxDropped(0).setTxDropped(0).setRetransPerSec(1.5 * jitter).build();
    }
    if (s.topic == Topics.DISK) {
      return DiskSample.newBuilder().setEntity(s.entity).setEventTime(at).setIntervalMs(s.intervalMs)
          .setReadIops(1_000 * jitter).setWriteIops(800 * jitter).setReadLatencyMs(s.level * jitter)
          .setWriteLatencyMs(s.level * 1.3 * jitter).setIoErrors(0L).setUtilization(0.4).build();
    }
    return AppCheckSample.newBuilder().setEntity(s.entity).setEventTime(at).setIntervalMs(s.intervalMs)
        .setCheck("synthetic").setOk(true).setLatencyMs(s.level * jitter).setStatus(200).build();
  }
}

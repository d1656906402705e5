package io.faultline.processor.detect;

import io.faultline.processor.api.FaultlineMetrics;
import io.faultline.schemas.Topics;
import io.faultline.common.Severity;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns samples, in event-time order, into symptoms, and tells the correlation stage what this
 * partition has seen: SYMPTOM, MONITORED (first sample of an entity), WATERMARK (after every
 * symptom up to that time) and IDLE. Each entity has one {@link EntityState} in
 * {@code detect-state}: its presence and a {@link SignalState} per (signal, related). Silence is
 * found through an in-memory index ordered by the time each entity becomes overdue, so a
 * watermark only looks at the entities that just became overdue; the index is derived from the
 * presences in {@code detect-state} and rebuilt from them in {@link #init}.
 *
 * <p>Checkpointed state: a sample that changed a verdict (a transition, an abnormal sample still
 * in a signal's window, a raised signal, a new or changed presence) is written to
 * {@code detect-state} before the sample is done. A quiet sample (only the learning baseline and
 * the time last seen moved) is kept in memory and written with the entity's next write, at the
 * latest {@code stateCheckpoint} of event time later. Under exactly-once every write is a
 * changelog record in the transaction: one per sample had been most of what the engine wrote.
 * A task that moves resumes from the written state: its quiet samples since are not in the
 * baselines, and an entity is not declared silent before {@code stateCheckpoint} past its
 * allowance (its last seen may be that old).
 */
final class SymptomDetectorProcessor implements Processor<String, DetectionEvent, String, CorrelationInput> {
  private FaultlineMetrics metrics;

  static final String SILENCE = "silence";
  /**
   * Entities kept decoded per task (1-2 KiB each on the heap: about 50 MiB for six tasks at most). An
   * estate with more entities per task than this cycles through them and mostly misses, reading
   * {@code detect-state} as it would without the cache; the throughput bench's 15,000 fit.
   */
  static final int DECODED_MAX = 4_096;

  private final DetectionSettings settings;
  private final SignalDetector detector;
  private ProcessorContext<String, CorrelationInput> context;
  private KeyValueStore<String, byte[]> states;
  /** Every tracked entity that is not silent, by its deadline. */
  private final SilenceIndex silenceIndex = new SilenceIndex();
  /** The entities the current sample or watermark read, in order, written (or not) once when it is done. */
  private final List<EntityState> touched = new ArrayList<>();
  /**
   * Decoded entity states, most recently used last, so a sample does not decode its entity again; bounded,
   * a miss reads {@code detect-state}. An entity with quiet samples not yet written is written when it
   * leaves (cleared in init(): after a restore the store is the truth).
   */
  private final Map<String, EntityState> decoded = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, EntityState> eldest) {
      if (size() <= DECODED_MAX || eldest.getValue().touched) {
        return false;
      }
      if (eldest.getValue().dirty) {
        states.put(eldest.getKey(), eldest.getValue().toBytes());
      }
      return true;
    }
  };
  private int partition;
  private long scannedTo = Long.MIN_VALUE;
  /** Event time of the sample or watermark being processed. */
  private long now;

  SymptomDetectorProcessor(DetectionSettings settings) {
    this.settings = settings;
    this.detector = new SignalDetector(settings.detector());
  }

  @Override
  public void init(ProcessorContext<String, CorrelationInput> context) {
    this.context = context;
    this.states = context.getStateStore(DetectionStage.STATE_STORE);
    this.partition = context.taskId().partition();
    this.metrics = FaultlineMetrics.of(context.appConfigs());
    // init() runs once the stores are restored (also when a task is revived after an abort), so the
    // index is rebuilt from exactly the committed presences.
    silenceIndex.clear();
    touched.forEach(t -> t.touched = false);
    touched.clear();
    decoded.clear();
    scannedTo = Long.MIN_VALUE;
    long silenceMin = settings.silenceMin().toMillis();
    // A restored last seen may be up to a checkpoint old: an entity that reported since is not declared
    // silent on it (its next sample registers its real deadline); one that really stopped is, that much later.
    long slack = settings.stateCheckpoint().toMillis();
    try (KeyValueIterator<String, byte[]> it = states.all()) {
      while (it.hasNext()) {
        var entry = it.next();
        Presence p = EntityState.presenceOf(entry.value);
        if (p != null && p.tracked && !p.silent) {
          silenceIndex.put(p.deadline(silenceMin) + slack, entry.key);
        }
      }
    }
  }

  @Override
  public void process(Record<String, DetectionEvent> record) {
    DetectionEvent event = record.value();
    if (event instanceof DetectionEvent.Sample s) {
      try {
        sample(s.telemetry());
      } finally {
        writeTouched();
      }
    } else if (event instanceof DetectionEvent.Watermark w) {
      try {
        watermark(w.time());
      } finally {
        writeTouched();
      }
    } else if (event instanceof DetectionEvent.Idle i) {
      send("", control(CorrelationInputKind.IDLE, i.time()));
    } else {
      throw new IllegalStateException("dead letters are routed before detection");
    }
  }

  private void sample(Telemetry t) {
    now = t.eventTime();
    metrics.eventIn(Topics.telemetryTypeOf(t.sample()));
    long time = t.eventTime();
    String e = t.entity();
    // Read once: the sample's signals are all of this entity (a pool's member sample also of the member).
    EntityState state = entity(e);
    present(state, time, t.intervalMs());
    Object sample = t.sample();
    if (sample instanceof DiskSample d) {
      if (d.getIoErrors() != null) {
        long n = d.getIoErrors();
        judge(state, "disk.ioErrors", null, time, n > 0, Severity.CRITICAL, true, n + " I/O errors per interval",
            (double) n);
      }
      baseline(state, null, time, Metric.DISK_READ_LATENCY, d.getReadLatencyMs());
      baseline(state, null, time, Metric.DISK_WRITE_LATENCY, d.getWriteLatencyMs());
    } else if (sample instanceof MemorySample m) {
      baseline(state, null, time, Metric.MEMORY_PAGE_IN, m.getPageInPerSec());
      baseline(state, null, time, Metric.MEMORY_PAGE_OUT, m.getPageOutPerSec());
      baseline(state, null, time, Metric.MEMORY_SWAP_IN, m.getSwapInPerSec());
      baseline(state, null, time, Metric.MEMORY_SWAP_OUT, m.getSwapOutPerSec());
    } else if (sample instanceof NetworkSample n) {
      baseline(state, null, time, Metric.NETWORK_RX_ERRORS, n.getRxErrors());
      baseline(state, null, time, Metric.NETWORK_TX_ERRORS, n.getTxErrors());
      baseline(state, null, time, Metric.NETWORK_RX_DROPPED, n.getRxDropped());
      baseline(state, null, time, Metric.NETWORK_TX_DROPPED, n.getTxDropped());
      baseline(state, null, time, Metric.NETWORK_RETRANS, n.getRetransPerSec());
    } else if (sample instanceof DnsSample d) {
      boolean failed = d.getRcode() != DnsRcode.NOERROR;
      judge(state, "dns.rcode", d.getResolver(), time, failed, Severity.CRITICAL, d.getRcode() == DnsRcode.NXDOMAIN,
          "rcode " + d.getRcode() + " via " + d.getResolver(), null);
      if (!failed) {
        // A failed query's latency is its timeout: the rcode already says it all.
        baseline(state, d.getResolver(), time, Metric.DNS_LATENCY, d.getLatencyMs());
      }
    } else if (sample instanceof AppCheckSample a) {
      judge(state, "app.ok", a.getCheck(), time, !a.getOk(), Severity.CRITICAL, false,
          "check " + a.getCheck() + " failed (status " + a.getStatus()
              + (a.getFailedStep() == null ? "" : ", step " + a.getFailedStep()) + ")", null);
      if (a.getOk()) {
        baseline(state, a.getCheck(), time, Metric.APP_LATENCY, a.getLatencyMs());
      }
    } else if (sample instanceof PoolMemberSample p) {
      String member = p.getMember();
      EntityState m = entity(member);
      if (m.presence == null) {
        m.presence = new Presence();
        m.mustWrite = true;
        send(member, monitoredInput(member, time));
      }
      // DRAINING is taken out on purpose: no symptom, and it ends a DOWN episode like UP does.
      if (p.getState() != MemberState.UNKNOWN) {
        judge(m, "pool.member", e, time, p.getState() == MemberState.DOWN, Severity.CRITICAL, true,
            "member " + member + " DOWN in " + e, null);
      }
    } else if (sample instanceof ServiceStatusSample s) {
      if (s.getState() != ServiceState.UNKNOWN) {
        judge(state, "service.state", null, time, s.getState() != ServiceState.UP,
            s.getState() == ServiceState.DOWN ? Severity.CRITICAL : Severity.WARNING, true, "service " + s.getState(),
            null);
      }
    } else {
      throw new IllegalStateException("not telemetry: " + sample.getClass());
    }
  }

  private void judge(EntityState state, String signal, String related, long time, boolean abnormal, Severity severity,
                     boolean definitive, String note, Double observed) {
    SignalState s = state.signal(EntityState.signalKey(signal, related));
    if (SignalDetector.isDuplicate(s, time)) {
      return;
    }
    observed(state, s, signal, related,
        detector.observeStatic(s, time, abnormal, severity, definitive, note, observed));
  }

  private void baseline(EntityState state, String related, long time, Metric metric, double value) {
    SignalState s = state.signal(EntityState.signalKey(metric.signal(), related));
    if (SignalDetector.isDuplicate(s, time)) {
      return;
    }
    observed(state, s, metric.signal(), related, detector.observeBaseline(s, time, metric, related, value));
  }

  /** A signal that is raised or has an abnormal sample in its window is not quiet: its state is written now. */
  private void observed(EntityState state, SignalState s, String signal, String related,
                        SignalDetector.Transition t) {
    if (t != null || s.raised || s.recent != 0) {
      state.mustWrite = true;
    }
    emit(state.id, signal, related, t);
  }

  /** The entity's state, read once per sample; every entity read is written back when the sample is done. */
  private EntityState entity(String entity) {
    return touch(peek(entity));
  }

  private EntityState touch(EntityState state) {
    if (!state.touched) {
      state.touched = true;
      touched.add(state);
    }
    return state;
  }

  /** The entity's state, not (yet) marked to be written. */
  private EntityState peek(String entity) {
    EntityState state = decoded.get(entity);
    if (state == null) {
      byte[] bytes = states.get(entity);
      state = bytes == null ? new EntityState() : EntityState.fromBytes(bytes);
      state.loaded = bytes != null;
      state.id = entity;
      if (state.loaded) {
        // The stored value is all there is (unwritten samples are written on eviction): the checkpoint runs from here.
        state.writtenAt = now;
      }
      decoded.put(entity, state);
    }
    return state;
  }

  /**
   * Writes each entity the sample (or watermark) read that must be written now or whose last write is a
   * checkpoint old; the others keep their quiet samples in memory for now (see the class comment).
   */
  private void writeTouched() {
    long checkpoint = settings.stateCheckpoint().toMillis();
    for (EntityState state : touched) {
      state.touched = false;
      if (state.mustWrite || state.writtenAt == Long.MIN_VALUE || now - state.writtenAt >= checkpoint
          || now < state.writtenAt) {
        states.put(state.id, state.toBytes());
        state.writtenAt = now;
        state.dirty = false;
        state.mustWrite = false;
      } else {
        state.dirty = true;
      }
    }
    touched.clear();
  }

  private void emit(String entity, String signal, String related, SignalDetector.Transition t) {
    if (t == null) {
      return;
    }
    Symptom symptom = Symptom.newBuilder()
        .setEntity(entity).setSignal(signal).setRelated(related)
        .setState(t.raised() ? SymptomState.RAISED : SymptomState.CLEARED)
        .setSeverity(t.severity())
        .setOnset(Instant.ofEpochMilli(t.onset() < 0 ? t.eventTime() : t.onset()))
        .setEventTime(Instant.ofEpochMilli(t.eventTime()))
        .setDescription(t.description())
        .setObserved(t.observed()).setBaseline(t.baseline()).setThreshold(t.threshold())
        .setAbnormalSamples(t.abnormalSamples())
        .build();
    send(entity, symptomInput(symptom));
  }

  /** Marks the entity as reporting: MONITORED on its first sample, ends a silence, re-arms the silence check. */
  private void present(EntityState state, long time, int intervalMs) {
    String entity = state.id;
    Presence p = state.presence;
    long silenceMin = settings.silenceMin().toMillis();
    if (p == null) {
      send(entity, monitoredInput(entity, time));
      p = new Presence();
      state.presence = p;
    }
    boolean wasTracked = p.tracked;
    if (wasTracked && time <= p.lastSeen && intervalMs == p.intervalMs && !p.silent) {
      return;
    }
    // Moving on needs no index work (see SilenceIndex); these may move the deadline earlier or unregister it.
    boolean register = !wasTracked || p.silent || intervalMs != p.intervalMs || state.loaded;
    if (!wasTracked || p.silent || intervalMs != p.intervalMs) {
      state.mustWrite = true;
    }
    state.loaded = false;
    if (p.silent) {
      Symptom cleared = Symptom.newBuilder()
          .setEntity(entity).setSignal(SILENCE).setState(SymptomState.CLEARED).setSeverity(Severity.CRITICAL)
          .setOnset(Instant.ofEpochMilli(p.silenceOnset)).setEventTime(Instant.ofEpochMilli(time))
          .setDescription("reporting again after " + (time - p.lastSeen) / 1000 + " s of silence")
          .build();
      send(entity, symptomInput(cleared));
      p.silent = false;
    }
    p.tracked = true;
    p.lastSeen = wasTracked ? Math.max(p.lastSeen, time) : time;
    p.intervalMs = intervalMs;
    if (register) {
      long deadline = p.deadline(silenceMin);
      Long registered = silenceIndex.registered(entity);
      if (registered == null || deadline < registered) {
        silenceIndex.put(deadline, entity);
      }
    }
  }

  /** Raises silence for every entity overdue at {@code time}, then promises the correlation nothing earlier follows. */
  private void watermark(long time) {
    now = time;
    long silenceMin = settings.silenceMin().toMillis();
    List<SilenceIndex.Due> overdue = new ArrayList<>();
    for (SilenceIndex.Due due : silenceIndex.takeDue(scannedTo == Long.MIN_VALUE ? Long.MIN_VALUE : scannedTo + 1, time)) {
      Presence p = peek(due.entity()).presence;
      if (p == null || !p.tracked || p.silent) {
        continue;
      }
      // Registered at or before its deadline: samples since may have moved it on (a restore's slack keeps it later).
      long deadline = Math.max(due.deadline(), p.deadline(silenceMin));
      if (deadline > time) {
        silenceIndex.put(deadline, due.entity());
      } else {
        overdue.add(new SilenceIndex.Due(deadline, due.entity()));
      }
    }
    overdue.sort(SilenceIndex.ORDER);
    for (SilenceIndex.Due due : overdue) {
      long deadline = due.deadline();
      String entity = due.entity();
      // Read again, not kept from the first pass: reading others there may have evicted (and written) it.
      EntityState state = touch(peek(entity));
      Presence p = state.presence;
      state.mustWrite = true;
      p.silent = true;
      p.silenceOnset = p.lastSeen + p.intervalMs;
      Symptom raised = Symptom.newBuilder()
          .setEntity(entity).setSignal(SILENCE).setState(SymptomState.RAISED).setSeverity(Severity.CRITICAL)
          .setOnset(Instant.ofEpochMilli(p.silenceOnset)).setEventTime(Instant.ofEpochMilli(deadline))
          .setDescription("no telemetry since " + Instant.ofEpochMilli(p.lastSeen) + " (expected every "
              + p.intervalMs / 1000.0 + " s) while other entities of its partition report")
          .setThreshold((double) (deadline - p.lastSeen))
          .setAbnormalSamples((int) Math.min(Integer.MAX_VALUE, (deadline - p.lastSeen) / Math.max(1, p.intervalMs)))
          .build();
      send(entity, symptomInput(raised));
    }
    scannedTo = Math.max(scannedTo, time);
    send("", control(CorrelationInputKind.WATERMARK, time));
  }

  private CorrelationInput symptomInput(Symptom s) {
    if (s.getState() == SymptomState.RAISED) {
      metrics.symptomRaised(s.getSignal());
      metrics.detectionDelay(java.time.Duration.between(s.getOnset(), s.getEventTime()));
    } else {
      metrics.symptomCleared(s.getSignal());
    }
    return CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.SYMPTOM)
        .setSymptom(s).setTime(s.getEventTime()).build();
  }

  private CorrelationInput monitoredInput(String entity, long time) {
    return CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(CorrelationInputKind.MONITORED)
        .setEntity(entity).setTime(Instant.ofEpochMilli(time)).build();
  }

  private CorrelationInput control(CorrelationInputKind kind, long time) {
    return CorrelationInput.newBuilder().setUpstreamPartition(partition).setKind(kind)
        .setTime(Instant.ofEpochMilli(time)).build();
  }

  private void send(String key, CorrelationInput input) {
    context.forward(new Record<>(key, input, Math.max(0, input.getTime().toEpochMilli())));
  }
}

package io.faultline.processor.correlate;

import io.faultline.processor.api.FaultlineMetrics;
import io.faultline.common.EntityKind;
import io.faultline.common.Severity;
import io.faultline.correlation.Symptom;
import io.faultline.correlation.SymptomState;
import io.faultline.internal.CorrelationInput;
import io.faultline.processor.analysis.DependencyGraph;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.correlate.StateRecords.EntityState;
import io.faultline.processor.correlate.StateRecords.IncidentState;
import io.faultline.processor.correlate.StateRecords.PendingChange;
import io.faultline.processor.correlate.StateRecords.Progress;
import io.faultline.processor.correlate.StateRecords.TopologyChange;
import io.faultline.processor.correlate.StateRecords.WatermarkState;
import io.faultline.topology.TopologyEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The single correlation task. It buffers symptoms and timed topology changes, applies them in
 * event-time order on a tick grid as the watermarks of all upstream detection partitions pass,
 * runs the root-cause analysis at a tick only when something changed (or a lifecycle timer is
 * due), and publishes incident changes and ranked candidates stamped with the tick's event time.
 *
 * <p>Nothing here depends on wall-clock time or on how upstream partitions interleave: buffered
 * changes are keyed by (time, class, entity, signal, related, state) and applied in that order,
 * and a tick is evaluated only once every non-idle upstream partition promised it has sent
 * everything up to it.
 */
final class Correlator implements Processor<String, CorrelationInput, String, SpecificRecord> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Correlator.class);

  static final Comparator<ObservedSymptom> SYMPTOM_ORDER = Comparator.comparingLong(ObservedSymptom::eventTime)
      .thenComparing(ObservedSymptom::entity)
      .thenComparing(ObservedSymptom::signal)
      .thenComparing(o -> o.related() == null ? "" : o.related());

  private static final long NONE = Long.MIN_VALUE;
  private static final String PROGRESS_KEY = "progress";
  /** Cleared symptoms are remembered this long (event time) so a stale, late raise cannot revive them. */
  private static final long CLEARED_MEMORY_MS = 3_600_000;

  private final CorrelationSettings settings;
  private final Analyzer analyzer;

  private ProcessorContext<String, SpecificRecord> context;
  private FaultlineMetrics metrics;
  private KeyValueStore<String, TopologyChange> topologyStore;
  private KeyValueStore<String, PendingChange> pendingStore;
  private KeyValueStore<String, StateRecords.SymptomState> symptomStore;
  private KeyValueStore<String, Long> monitoredStore;
  private KeyValueStore<String, WatermarkState> watermarkStore;
  private KeyValueStore<String, IncidentState> incidentStore;
  private KeyValueStore<String, Progress> progressStore;

  private final DependencyGraph graph = new DependencyGraph();
  private final NavigableMap<String, PendingChange> pending = new TreeMap<>();
  private final Map<String, StateRecords.SymptomState> symptoms = new TreeMap<>();
  private final Set<String> monitored = new TreeSet<>();
  private final Map<Integer, WatermarkState> watermarks = new HashMap<>();
  private IncidentBook book;
  private AutoCloseable graphGauges;
  private long lastTick = NONE;
  private boolean dirty;
  /** Whether the stored progress already says dirty: a topology load must not rewrite it per record. */
  private boolean dirtyStored;

  Correlator(CorrelationSettings settings, Analyzer analyzer) {
    this.settings = settings;
    this.analyzer = analyzer;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    topologyStore = context.getStateStore(CorrelationStage.TOPOLOGY_STORE);
    pendingStore = context.getStateStore(CorrelationStage.PENDING_STORE);
    symptomStore = context.getStateStore(CorrelationStage.SYMPTOM_STORE);
    monitoredStore = context.getStateStore(CorrelationStage.MONITORED_STORE);
    watermarkStore = context.getStateStore(CorrelationStage.WATERMARK_STORE);
    incidentStore = context.getStateStore(CorrelationStage.INCIDENT_STORE);
    progressStore = context.getStateStore(CorrelationStage.PROGRESS_STORE);
    metrics = FaultlineMetrics.of(context.appConfigs());
    restore();
    graphGauges = metrics.bindTopologyGraph(graph::entityCount, graph::dependencyCount);
  }

  @Override
  public void close() {
    if (graphGauges != null) {
      try {
        graphGauges.close();
      } catch (Exception e) {
        LOG.warn("removing the topology gauges failed: {}", e.toString());
      }
      graphGauges = null;
    }
  }

  /** Rebuilds the in-memory indexes from the stores (after a restart or a rebalance). */
  private void restore() {
    List<TopologyChange> edges = new ArrayList<>();
    try (KeyValueIterator<String, TopologyChange> it = topologyStore.all()) {
      it.forEachRemaining(kv -> {
        if (kv.value.entity() != null) {
          applyToGraph(kv.value);
        } else {
          edges.add(kv.value);
        }
      });
    }
    edges.forEach(this::applyToGraph);
    try (KeyValueIterator<String, PendingChange> it = pendingStore.all()) {
      it.forEachRemaining(kv -> pending.put(kv.key, kv.value));
    }
    try (KeyValueIterator<String, StateRecords.SymptomState> it = symptomStore.all()) {
      it.forEachRemaining(kv -> symptoms.put(kv.key, kv.value));
    }
    try (KeyValueIterator<String, Long> it = monitoredStore.all()) {
      it.forEachRemaining(kv -> monitored.add(kv.key));
    }
    try (KeyValueIterator<String, WatermarkState> it = watermarkStore.all()) {
      it.forEachRemaining(kv -> watermarks.put(Integer.parseInt(kv.key), kv.value));
    }
    List<IncidentState> incidents = new ArrayList<>();
    try (KeyValueIterator<String, IncidentState> it = incidentStore.all()) {
      it.forEachRemaining(kv -> incidents.add(kv.value));
    }
    Progress progress = progressStore.get(PROGRESS_KEY);
    book = new IncidentBook(settings);
    book.restore(incidents, progress == null ? List.of() : progress.pendingDiagnoses());
    if (progress != null) {
      lastTick = progress.lastTick();
      dirty = progress.dirty();
      dirtyStored = dirty;
    }
  }

  @Override
  public void process(Record<String, CorrelationInput> record) {
    CorrelationInput in = record.value();
    if (in == null) {
      return;
    }
    long time = in.getTime().toEpochMilli();
    if (LOG.isDebugEnabled() && in.getKind() != io.faultline.internal.CorrelationInputKind.WATERMARK) {
      LOG.debug("input {} from {} at {}: {}", in.getKind(), in.getUpstreamPartition(), in.getTime(),
          in.getSymptom() != null ? in.getSymptom().getEntity() + " " + in.getSymptom().getSignal() + " "
              + in.getSymptom().getState() : in.getEntity());
    }
    switch (in.getKind()) {
      case SYMPTOM -> buffer(symptomChange(in));
      case TOPOLOGY -> topology(in.getTopology());
      case MONITORED -> {
        String entity = require(in.getEntity(), "MONITORED record without entity");
        if (!monitored.contains(entity)) {
          buffer(new PendingChange(time, null, null, entity));
        }
      }
      case WATERMARK -> {
        int p = upstream(in);
        WatermarkState before = watermarks.get(p);
        long wm = before == null || before.watermark() == NONE ? time : Math.max(before.watermark(), time);
        putWatermark(p, new WatermarkState(wm, false));
      }
      case IDLE -> {
        int p = upstream(in);
        WatermarkState before = watermarks.get(p);
        putWatermark(p, new WatermarkState(before == null ? NONE : before.watermark(), true));
      }
    }
    advance();
    if (dirty && !dirtyStored) {
      // A topology change without event time applies at once; remember it must be evaluated. Once
      // is enough: the other fields only change in tick(), which stores them.
      progressStore.put(PROGRESS_KEY, new Progress(lastTick, true, book.pending()));
      dirtyStored = true;
    }
  }

  private static <T> T require(T value, String reason) {
    if (value == null) {
      throw new IllegalArgumentException(reason);
    }
    return value;
  }

  private int upstream(CorrelationInput in) {
    int p = in.getUpstreamPartition();
    if (p < 0 || p >= settings.upstreamPartitions()) {
      throw new IllegalArgumentException(in.getKind() + " from upstream partition " + p + ", expected 0.."
          + (settings.upstreamPartitions() - 1) + " (telemetry.partitions)");
    }
    return p;
  }

  private void putWatermark(int p, WatermarkState state) {
    if (!state.equals(watermarks.get(p))) {
      watermarks.put(p, state);
      watermarkStore.put(Integer.toString(p), state);
    }
  }

  private static PendingChange symptomChange(CorrelationInput in) {
    Symptom s = require(in.getSymptom(), "SYMPTOM record without symptom");
    long eventTime = s.getEventTime().toEpochMilli();
    StateRecords.SymptomState st = new StateRecords.SymptomState(s.getEntity(), s.getSignal(), s.getRelated(),
        s.getState() == SymptomState.RAISED, s.getSeverity().name(), s.getOnset().toEpochMilli(), eventTime,
        s.getDescription());
    return new PendingChange(eventTime, st, null, null);
  }

  private void topology(TopologyEvent event) {
    require(event, "TOPOLOGY record without topology event");
    TopologyChange change;
    if (event.getEntity() != null) {
      var e = event.getEntity();
      change = new TopologyChange(new EntityState(e.getId(), e.getKind().name(), e.getMinHealthy(),
          new TreeMap<>(e.getLabels())), null, null, event.getRemoved());
    } else if (event.getDependency() != null) {
      change = new TopologyChange(null, event.getDependency().getFrom(), event.getDependency().getTo(),
          event.getRemoved());
    } else {
      throw new IllegalArgumentException("topology event with neither entity nor dependency");
    }
    if (event.getEventTime() == null) {
      applyTopology(change);
    } else {
      buffer(new PendingChange(event.getEventTime().toEpochMilli(), null, change, null));
    }
  }

  /** Sort key: time (sign-flipped hex sorts like the long), then topology, monitored, symptoms. */
  private static String pendingKey(PendingChange c) {
    String time = String.format("%016x", c.time() ^ Long.MIN_VALUE);
    if (c.topology() != null) {
      return time + "|0|" + c.topology().key() + "|" + c.topology().removed();
    }
    if (c.monitored() != null) {
      return time + "|1|" + c.monitored();
    }
    StateRecords.SymptomState s = c.symptom();
    return time + "|2|" + s.key() + "|" + (s.raised() ? "R" : "C") + "|" + s.severity();
  }

  private void buffer(PendingChange change) {
    String key = pendingKey(change);
    if (!pending.containsKey(key)) {
      pending.put(key, change);
      pendingStore.put(key, change);
    }
  }

  private void applyTopology(TopologyChange change) {
    if (change.removed()) {
      if (change.entity() != null) {
        // Removing an entity removes its edges: forget them in the store too.
        String id = change.entity().id();
        for (String to : List.copyOf(graph.dependencies(id))) {
          topologyStore.delete(new TopologyChange(null, id, to, true).key());
        }
        for (String from : List.copyOf(graph.dependents(id))) {
          topologyStore.delete(new TopologyChange(null, from, id, true).key());
        }
      }
      topologyStore.delete(change.key());
    } else {
      topologyStore.put(change.key(), change);
    }
    applyToGraph(change);
    dirty = true;
  }

  private void applyToGraph(TopologyChange change) {
    EntityState e = change.entity();
    if (e != null && change.removed()) {
      graph.removeEntity(e.id());
    } else if (e != null) {
      graph.putEntity(e.id(), kindOf(e.kind()), e.minHealthy(), e.labels());
    } else if (change.removed()) {
      graph.removeDependency(change.from(), change.to());
    } else {
      graph.putDependency(change.from(), change.to());
    }
  }

  private static EntityKind kindOf(String name) {
    try {
      return EntityKind.valueOf(name);
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return EntityKind.OTHER;
    }
  }

  private void apply(PendingChange c) {
    if (c.topology() != null) {
      applyTopology(c.topology());
    } else if (c.monitored() != null) {
      if (monitored.add(c.monitored())) {
        monitoredStore.put(c.monitored(), c.time());
        dirty = true;
      }
    } else {
      StateRecords.SymptomState s = c.symptom();
      StateRecords.SymptomState before = symptoms.get(s.key());
      if (before != null && s.eventTime() < before.eventTime()) {
        return; // a late, stale change: a newer one already applied
      }
      if (before == null && !s.raised()) {
        return;
      }
      symptoms.put(s.key(), s);
      symptomStore.put(s.key(), s);
      if (before == null || before.raised() != s.raised() || !before.severity().equals(s.severity())) {
        dirty = true;
      }
    }
  }

  /** The event time up to which every non-idle upstream partition has sent everything, or NONE. */
  long effectiveWatermark() {
    long min = Long.MAX_VALUE;
    long max = NONE;
    boolean anyActive = false;
    for (int p = 0; p < settings.upstreamPartitions(); p++) {
      WatermarkState w = watermarks.get(p);
      if (w == null) {
        return NONE;
      }
      max = Math.max(max, w.watermark());
      if (!w.idle()) {
        anyActive = true;
        min = Math.min(min, w.watermark());
      }
    }
    // All idle: every partition has sent all it has, so the highest promise holds for the whole input.
    return anyActive ? min : max;
  }

  private void advance() {
    long watermark = effectiveWatermark();
    if (LOG.isDebugEnabled()) {
      LOG.debug("watermarks {} -> effective {}, last tick {}, {} pending", new TreeMap<>(watermarks), watermark,
          lastTick, pending.size());
    }
    if (watermark == NONE) {
      return;
    }
    while (true) {
      long due = Long.MAX_VALUE;
      if (!pending.isEmpty()) {
        due = settings.tickAtOrAfter(pending.firstEntry().getValue().time());
      }
      long timer = book.nextTimer();
      if (timer != Long.MAX_VALUE) {
        due = Math.min(due, settings.tickAtOrAfter(timer));
      }
      if (lastTick != NONE) {
        if (dirty) {
          due = Math.min(due, lastTick + settings.tickMs());
        }
        due = due == Long.MAX_VALUE ? due : Math.max(due, lastTick + settings.tickMs());
      }
      if (due == Long.MAX_VALUE || due > watermark) {
        return;
      }
      tick(due);
    }
  }

  private void tick(long now) {
    while (!pending.isEmpty() && pending.firstEntry().getValue().time() <= now) {
      Map.Entry<String, PendingChange> first = pending.pollFirstEntry();
      pendingStore.delete(first.getKey());
      apply(first.getValue());
    }
    if (dirty || book.nextTimer() <= now) {
      evaluate(now);
    }
    lastTick = now;
    dirty = false;
    dirtyStored = false;
    progressStore.put(PROGRESS_KEY, new Progress(lastTick, false, book.pending()));
  }

  private void evaluate(long now) {
    List<ObservedSymptom> active = new ArrayList<>();
    List<String> forgotten = new ArrayList<>();
    for (StateRecords.SymptomState s : symptoms.values()) {
      if (s.raised()) {
        active.add(new ObservedSymptom(s.entity(), s.signal(), s.related(), Severity.valueOf(s.severity()),
            s.onset(), s.eventTime(), s.description()));
      } else if (now - s.eventTime() > CLEARED_MEMORY_MS) {
        forgotten.add(s.key());
      }
    }
    forgotten.forEach(k -> {
      symptoms.remove(k);
      symptomStore.delete(k);
    });
    active.sort(SYMPTOM_ORDER);
    List<Diagnosis> diagnoses;
    try {
      // A view, not a copy: the analysis runs here, and copying 100,000 ids per tick is what it would cost.
      diagnoses = active.isEmpty() ? List.of()
          : analyzer.analyze(graph, List.copyOf(active), Collections.unmodifiableSet(monitored), now);
    } catch (RuntimeException e) {
      // A failing analysis is a bug in us, not in the record at hand: rethrowing would dead-letter
      // every following record. Leave the incidents as they are; the next change evaluates again.
      LOG.error("root-cause analysis failed at {} with {} active symptoms; incidents left unchanged",
          java.time.Instant.ofEpochMilli(now), active.size(), e);
      return;
    }
    LOG.debug("tick {}: {} active symptoms, {} diagnoses", java.time.Instant.ofEpochMilli(now), active.size(),
        diagnoses.size());
    Map<String, IncidentState> before = new HashMap<>(book.incidents());
    List<IncidentBook.Change> changes = book.evaluate(now, diagnoses, graph, monitored);
    book.incidents().forEach((id, inc) -> {
      if (!inc.equals(before.get(id))) {
        incidentStore.put(id, inc);
      }
    });
    book.drainDeleted().forEach(incidentStore::delete);
    for (IncidentBook.Change change : changes) {
      IncidentState inc = change.incident();
      LOG.info("incident {} {} v{} at {}: root {} ({}), {} affected", inc.id(), inc.state(), inc.version(),
          java.time.Instant.ofEpochMilli(now), inc.rootCause(), String.format("%.2f", inc.score()), inc.affected().size());
      context.forward(new Record<>(inc.id(), IncidentRecords.incident(inc), now));
      metrics.incidentEmitted(String.valueOf(inc.state()));
      if (change.diagnosis() != null) {
        var candidates = IncidentRecords.candidates(inc.id(), change.diagnosis(), graph, settings.maxCandidates(), now);
        candidates.forEach(c -> context.forward(new Record<>(inc.id(), c, now)));
        metrics.candidatesEmitted(candidates.size());
      }
    }
  }
}

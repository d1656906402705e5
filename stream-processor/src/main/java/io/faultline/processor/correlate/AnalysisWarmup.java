package io.faultline.processor.correlate;

import io.faultline.processor.analysis.DependencyGraph;
import io.faultline.processor.analysis.Diagnosis;
import io.faultline.processor.analysis.ObservedSymptom;
import io.faultline.processor.sim.SyntheticIncidents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the correlator's evaluation (analysis, incident lifecycle, candidate and incident records) over
 * simulated faults once the processor is first RUNNING (its state restored), in a background thread, and
 * throws the results away.
 *
 * <p>Why: the processor's JVM compiles with C2 only (stream-processor/jvm.options), and code runs
 * interpreted until it has run about 10,000 times. Detection is hot from the first second, but the
 * analysis only runs when symptoms change, so without this the first incident after a start, the one that
 * matters when an outage begins with a restart, was analysed by interpreted code: in `bench throughput`
 * the correlation task fell seconds behind at the first fault while C2 compiled the analysis
 * (stream-processor/docs/benchmarks.md). The warm-up moves that cost to the start, where nothing waits
 * on it. It touches no store and no topic; {@code correlate.warmup.analyses=0} turns it off.
 */
public final class AnalysisWarmup implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnalysisWarmup.class);

  public static final String ANALYSES = "correlate.warmup.analyses";
  public static final int DEFAULT_ANALYSES = 1_200;
  /** Big enough for every fault kind to have a place and a realistic blast radius; small enough to build fast. */
  static final int ENTITIES = 800;
  static final int TICKS = 30;
  private static final long SEED = 20_261_122L;

  private final CorrelationSettings settings;
  private final Analyzer analyzer;
  private final int analyses;
  private final Thread thread;
  private boolean begun;
  private volatile boolean stopped;
  private volatile int done;
  private volatile long records;
  private volatile int faults;

  private AnalysisWarmup(CorrelationSettings settings, Analyzer analyzer, int analyses) {
    this.settings = settings;
    this.analyzer = analyzer;
    this.analyses = analyses;
    this.thread = new Thread(this::runLogged, "faultline-analysis-warmup");
    thread.setDaemon(true);
  }

  /** A warm-up that runs once {@link #begin()} is called. */
  public static AnalysisWarmup create(CorrelationSettings settings, Analyzer analyzer, int analyses) {
    return new AnalysisWarmup(settings, analyzer, analyses);
  }

  /** A warm-up already begun. */
  public static AnalysisWarmup start(CorrelationSettings settings, Analyzer analyzer, int analyses) {
    AnalysisWarmup w = create(settings, analyzer, analyses);
    w.begin();
    return w;
  }

  /**
   * Starts the warm-up in its own thread, the first time only; nothing when {@code analyses <= 0}
   * or once closed.
   */
  public synchronized void begin() {
    if (!begun && !stopped && analyses > 0) {
      begun = true;
      thread.start();
    }
  }

  /** Analyses run so far. */
  public int analysesDone() {
    return done;
  }

  /** Incident and candidate records built so far (and dropped). */
  public long recordsBuilt() {
    return records;
  }

  /** Waits for the warm-up to end; false if it had not ended within {@code millis} (0: does not wait). */
  public boolean await(long millis) throws InterruptedException {
    if (millis > 0) {
      thread.join(millis);
    }
    return !thread.isAlive();
  }

  /** Stops the warm-up at its next tick and waits for its thread. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runLogged() {
    long t0 = System.nanoTime();
    try {
      run();
      LOG.info("analysis warm-up: {} analyses over {} simulated fault kinds, {} records built, in {} ms{}", done,
          faults, records, (System.nanoTime() - t0) / 1_000_000,
          stopped ? " (stopped early)" : "");
    } catch (RuntimeException e) {
      // Only a cost saving: a failure here must not stop the processor, but it is a bug worth seeing.
      LOG.warn("analysis warm-up failed after {} analyses; the first incident will be analysed cold", done, e);
    }
  }

  void run() {
    SyntheticIncidents load = SyntheticIncidents.generate(ENTITIES, SEED, settings.tickMs(), TICKS);
    faults = load.episodes().size();
    if (faults == 0) {
      return;
    }
    // The same types the correlator passes (a TreeSet to the lifecycle, a read-only view of it to the analysis):
    // compiled code specialises on the classes it has seen, and another class later would throw it away.
    Set<String> monitored = new TreeSet<>(load.monitored());
    Set<String> readOnly = Collections.unmodifiableSet(monitored);
    while (!stopped && done < analyses) {
      for (SyntheticIncidents.Episode episode : load.episodes()) {
        IncidentBook book = new IncidentBook(settings);
        long last = 0;
        for (SyntheticIncidents.Step step : episode.steps()) {
          if (stopped || done >= analyses) {
            return;
          }
          evaluate(load.graph(), monitored, readOnly, book, step.time(), step.active());
          last = step.time();
        }
        // Past the resolve delay with nothing active: the resolution path too.
        evaluate(load.graph(), monitored, readOnly, book, last + settings.resolveAfterMs() + settings.tickMs(),
            List.of());
      }
    }
  }

  /** As {@code Correlator.evaluate}, without the stores and the forwarding. */
  private void evaluate(DependencyGraph graph, Set<String> monitored, Set<String> readOnly, IncidentBook book, long now,
                        List<ObservedSymptom> symptoms) {
    List<ObservedSymptom> active = new ArrayList<>(symptoms);
    active.sort(Correlator.SYMPTOM_ORDER);
    List<Diagnosis> diagnoses = active.isEmpty() ? List.of() : analyzer.analyze(graph, List.copyOf(active), readOnly, now);
    done++;
    long built = 0;
    for (IncidentBook.Change change : book.evaluate(now, diagnoses, graph, monitored)) {
      IncidentRecords.incident(change.incident());
      built++;
      if (change.diagnosis() != null) {
        built += IncidentRecords.candidates(change.incident().id(), change.diagnosis(), graph,
            settings.maxCandidates(), now).size();
      }
    }
    records += built;
  }
}

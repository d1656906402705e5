package io.faultline.processor.detect;

import io.faultline.common.Severity;
import java.util.Arrays;
import java.util.Locale;

/**
 * The verdict logic of one signal, free of Kafka: feeds one sample (in event-time order) into a
 * {@link SignalState} and says whether the symptom raised, worsened or cleared.
 *
 * <p>Confirmation: a symptom raises only when enough of the last few samples are abnormal, so a
 * single spike raises nothing; its onset is still the first abnormal sample of the episode: walking
 * back from the confirming sample, the earliest abnormal one not cut off by {@code onsetGap}
 * consecutive normal samples (failing checks of a partial outage come and go; a lone latency spike
 * minutes before is noise).
 * Hysteresis: it clears after several consecutive normal samples (for baselines, under a clear
 * threshold half-way between the mean and the raise threshold). Flap damping: a signal that raised
 * {@code flapRaises} times within {@code flapWindow} needs {@code flapClear} normal samples to
 * clear, so a flapping metric stays raised until stable instead of raising again and again.
 */
final class SignalDetector {

  /** A change of a symptom: RAISED (new or worse) or CLEARED. */
  record Transition(boolean raised, Severity severity, long onset, long eventTime, String description,
                    Double observed, Double baseline, Double threshold, int abnormalSamples) {}

  private final DetectorTuning tuning;

  SignalDetector(DetectorTuning tuning) {
    this.tuning = tuning;
  }

  /** Whether this sample repeats (or precedes) one already processed for the signal. */
  static boolean isDuplicate(SignalState s, long eventTime) {
    return eventTime <= s.lastTime;
  }

  /**
   * A sample of a static signal.
   *
   * @param severity how bad this sample is when {@code abnormal} (CRITICAL or WARNING)
   * @param definitive whether a CRITICAL failure is a verdict rather than a probe's outcome: I/O
   *     errors the device reported, a member or service DOWN (the load balancer's or registry's
   *     own, already debounced, health verdict), NXDOMAIN (an answer about the record). These
   *     confirm on {@code definitiveConfirm} of {@code definitiveWindow} samples; a probe that got
   *     no answer (DNS timeout, SERVFAIL) or a failed synthetic check fails now and then on a
   *     healthy estate and needs {@code staticConfirm} of {@code staticWindow}.
   * @param note what was abnormal, e.g. {@code rcode TIMEOUT via dns-resolver:10.0.1.53}
   */
  Transition observeStatic(SignalState s, long t, boolean abnormal, Severity severity, boolean definitive, String note,
                           Double observed) {
    s.lastTime = t;
    if (abnormal) {
      s.note = note;
      s.lastObserved = observed == null ? Double.NaN : observed;
    }
    // For static signals the "far beyond normal" bit of SignalState marks definitive CRITICAL
    // failures: a static sample has no degree, and the severity logic reads the same either way.
    return step(s, t, abnormal, abnormal && severity == Severity.CRITICAL && definitive, !abnormal,
        tuning.staticConfirm(), tuning.staticWindow(), tuning.definitiveConfirm(), tuning.definitiveWindow(),
        tuning.staticClear(), tuning.staticOnsetGap(),
        severity == Severity.CRITICAL || !abnormal ? Severity.CRITICAL : Severity.WARNING, Double.NaN, Double.NaN);
  }

  /** A sample of a signal judged against its learned baseline. */
  Transition observeBaseline(SignalState s, long t, Metric metric, String subject, double value) {
    s.lastTime = t;
    if (s.samples < tuning.warmup()) {
      learnWarmup(s, value);
      return null;
    }
    double threshold = threshold(s, metric);
    double clearThreshold = s.mean + 0.5 * (threshold - s.mean);
    double critical = s.mean + tuning.criticalFactor() * (threshold - s.mean);
    boolean abnormal = value > threshold;
    double mean = s.mean;
    if (abnormal) {
      s.lastObserved = value;
      s.note = String.format(Locale.ROOT, "%s%s %s above baseline %s (threshold %s)",
          metric.field(), subject == null ? "" : " of " + subject, fmt(value, metric), fmt(mean, metric),
          fmt(threshold, metric));
    } else if (!s.raised) {
      // Neither abnormal samples nor those of a raised episode teach the baseline, or a fault
      // would become the new normal; a level between the clear and raise thresholds keeps it raised.
      s.dev += tuning.alpha() * (Math.abs(value - s.mean) - s.dev);
      s.mean += tuning.alpha() * (value - s.mean);
    }
    return step(s, t, abnormal, value > critical, value <= clearThreshold,
        // Samples far beyond normal confirm like any other: latencies are heavy-tailed, and two 5x
        // spikes within three samples happen on healthy estates (docs/detection.md).
        tuning.baselineConfirm(), tuning.baselineWindow(), tuning.baselineConfirm(), tuning.baselineWindow(),
        tuning.baselineClear(), tuning.baselineOnsetGap(),
        Severity.WARNING,
        mean, threshold);
  }

  /** The value above which a sample is abnormal. */
  double threshold(SignalState s, Metric metric) {
    return Math.max(Math.max(s.mean + tuning.deviations() * s.dev, s.mean * metric.ratio()), s.mean + metric.floor());
  }

  private void learnWarmup(SignalState s, double value) {
    double[] w = Arrays.copyOf(s.warmup, s.warmup.length + 1);
    w[w.length - 1] = value;
    s.samples++;
    if (s.samples < tuning.warmup()) {
      s.warmup = w;
      return;
    }
    // Mean and mean absolute deviation without the largest sample: one spike during warm-up does
    // not skew what is learnt, while a metric that oscillates from the start is learnt as such
    // (a median would see only its lower level and alarm on every upper phase).
    double[] kept = w.clone();
    Arrays.sort(kept);
    kept = Arrays.copyOf(kept, kept.length - 1);
    double mean = Arrays.stream(kept).average().orElse(value);
    s.mean = mean;
    s.dev = Arrays.stream(kept).map(v -> Math.abs(v - mean)).average().orElse(0);
    s.warmup = new double[0];
  }

  private Transition step(SignalState s, long t, boolean abnormal, boolean critical, boolean clearable,
                          int confirm, int window, int hardConfirm, int hardWindow, int clear, int onsetGap,
                          Severity baseSeverity, double baseline, double threshold) {
    s.push(t, abnormal, critical);
    int abnormalInWindow = s.abnormalIn(window);
    if (!s.raised) {
      // Hard evidence (definitive static failures) may confirm on fewer samples than the rest.
      boolean hard = s.criticalIn(hardWindow) >= hardConfirm;
      if (hard && abnormalInWindow < confirm) {
        window = hardWindow;
        abnormalInWindow = s.abnormalIn(hardWindow);
      }
      if (abnormalInWindow >= confirm || hard) {
        long[] episode = s.episodeStart(onsetGap);
        s.onset = episode[0];
        s.abnormalSamples = (int) episode[1];
        s.raised = true;
        s.severity = 2 * s.criticalIn(window) >= abnormalInWindow ? Severity.CRITICAL : baseSeverity;
        s.normalRun = 0;
        s.recordRaise(t);
        return transition(s, true, t, s.note + " in " + abnormalInWindow + " of " + window + " samples",
            baseline, threshold);
      }
      return null;
    }
    if (abnormal) {
      s.abnormalSamples++;
    }
    s.normalRun = clearable ? s.normalRun + 1 : 0;
    boolean flapping = s.raisesSince(t - tuning.flapWindow().toMillis()) >= tuning.flapRaises();
    int needed = flapping ? Math.max(clear, tuning.flapClear()) : clear;
    if (s.normalRun >= needed) {
      Transition cleared = transition(s, false, t, "recovered: " + s.normalRun + " normal samples after "
          + s.abnormalSamples + " abnormal (" + s.note + ")" + (flapping ? "; was flapping" : ""), baseline, threshold);
      s.raised = false;
      s.severity = Severity.UNKNOWN;
      s.onset = -1;
      s.abnormalSamples = 0;
      s.normalRun = 0;
      s.resetWindow();
      return cleared;
    }
    if (s.severity != Severity.CRITICAL && s.criticalIn(window) >= confirm) {
      s.severity = Severity.CRITICAL;
      return transition(s, true, t, s.note + " in " + s.criticalIn(window) + " of " + window
          + " samples, far beyond normal", baseline, threshold);
    }
    return null;
  }

  /** {@code baseline} and {@code threshold} are NaN for a static signal (primitives: boxed here, not per sample). */
  private static Transition transition(SignalState s, boolean raised, long t, String description,
                                       double baseline, double threshold) {
    return new Transition(raised, s.severity, s.onset, t, description,
        orNull(s.lastObserved), orNull(baseline), orNull(threshold), s.abnormalSamples);
  }

  private static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static String fmt(double v, Metric metric) {
    String n = Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
    return metric.unit().isEmpty() ? n : n + (metric.unit().startsWith("/") ? "" : " ") + metric.unit();
  }
}

package io.faultline.processor.sim;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Delivers lines the way real collectors do: each line gets an arrival time after its event time
 * and lines are written in arrival order. About half arrive promptly (within 1.5 s), the other
 * half are displaced by 5 s to 10 min (log-uniform: most by well under a minute), a tail of
 * {@value #VERY_LATE} arrives 10 to 30 minutes late, and {@value #DUPLICATE} are delivered twice.
 * Only lines not yet due are held: memory grows with the displacement window, not the run.
 */
final class DeliveryQueue {
  static final double DISPLACED = 0.55;
  static final double VERY_LATE = 0.005;
  static final double DUPLICATE = 0.004;
  private static final double LOG_MIN = Math.log(5_000);
  private static final double LOG_MAX = Math.log(600_000);

  private record Pending(long due, long seq, String line) {}

  private static final Comparator<Pending> ARRIVAL =
      Comparator.comparingLong(Pending::due).thenComparingLong(Pending::seq);
  /** Arrival times are bucketed per second in a wheel longer than the longest delay (a heap was the bottleneck). */
  private static final long BUCKET_MS = 1_000;
  private static final int WHEEL = 2_048;

  @SuppressWarnings("unchecked")
  private final List<Pending>[] wheel = new List[WHEEL];
  private long nextBucket = Long.MIN_VALUE;
  private long lastBucket = Long.MIN_VALUE;
  private int held;
  private final Writer out;
  private final boolean noise;
  private final SplittableRandom rnd;
  private long seq;
  private long written;
  private long duplicates;
  private int maxHeld;

  DeliveryQueue(Writer out, boolean noise, SplittableRandom rnd) {
    this.out = out;
    this.noise = noise;
    this.rnd = rnd;
  }

  /** Queues a line with event time {@code eventTime}; never earlier than the last {@link #deliverUntil} time. */
  void offer(long eventTime, String line) {
    add(new Pending(eventTime + delay(), seq++, line));
    if (noise && rnd.nextDouble() < DUPLICATE) {
      add(new Pending(eventTime + delay(), seq++, line));
      duplicates++;
    }
  }

  private void add(Pending p) {
    long b = Math.floorDiv(p.due, BUCKET_MS);
    if (nextBucket == Long.MIN_VALUE) {
      nextBucket = b;
    }
    if (b < nextBucket) {
      b = nextBucket; // arrived while the previous batch was being written: it goes out with the next one
    }
    if (b - nextBucket >= WHEEL) {
      throw new IllegalStateException("delay beyond the delivery wheel");
    }
    int i = (int) Math.floorMod(b, (long) WHEEL);
    if (wheel[i] == null) {
      wheel[i] = new ArrayList<>();
    }
    wheel[i].add(p);
    lastBucket = Math.max(lastBucket, b);
    maxHeld = Math.max(maxHeld, ++held);
  }

  private long delay() {
    if (!noise) {
      return 0;
    }
    double r = rnd.nextDouble();
    if (r < VERY_LATE) {
      return 600_000 + rnd.nextLong(1_200_000);
    }
    if (r < DISPLACED) {
      return (long) Math.exp(LOG_MIN + (LOG_MAX - LOG_MIN) * rnd.nextDouble());
    }
    return rnd.nextLong(1_500);
  }

  /** Writes, in arrival order, every line that arrived before {@code now} (a whole second). */
  void deliverUntil(long now) throws IOException {
    long until = Math.floorDiv(now, BUCKET_MS);
    while (nextBucket != Long.MIN_VALUE && nextBucket < until && nextBucket <= lastBucket) {
      flush(nextBucket++);
    }
    if (nextBucket != Long.MIN_VALUE && nextBucket < until) {
      nextBucket = until;
    }
  }

  void drain() throws IOException {
    while (nextBucket != Long.MIN_VALUE && nextBucket <= lastBucket) {
      flush(nextBucket++);
    }
  }

  private void flush(long bucket) throws IOException {
    int i = (int) Math.floorMod(bucket, (long) WHEEL);
    List<Pending> batch = wheel[i];
    if (batch == null || batch.isEmpty()) {
      return;
    }
    batch.sort(ARRIVAL);
    for (Pending p : batch) {
      out.write(p.line);
      out.write('\n');
      written++;
    }
    held -= batch.size();
    wheel[i] = null;
  }

  long written() {
    return written;
  }

  long duplicates() {
    return duplicates;
  }

  int maxHeld() {
    return maxHeld;
  }
}

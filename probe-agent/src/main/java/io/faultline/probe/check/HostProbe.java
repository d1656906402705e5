package io.faultline.probe.check;

import io.faultline.probe.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A probe of this host's kernel counters. Rates need two reads, so the first call only takes a
 * baseline; each later call reports the increase since the previous one divided by the elapsed
 * monotonic time (not the configured interval, which a busy scheduler may overshoot).
 */
public abstract class HostProbe implements Check {

  protected final ProbeContext ctx;
  private final long intervalMs;
  private final Executor executor;
  private final LongSupplier nanos;

  protected HostProbe(ProbeContext ctx, long intervalMs, Executor executor, LongSupplier nanos) {
    this.ctx = ctx;
    this.intervalMs = intervalMs;
    this.executor = executor;
    this.nanos = nanos;
  }

  @Override
  public long intervalMs() {
    return intervalMs;
  }

  @Override
  public CompletableFuture<List<Sample>> run() {
    return CompletableFuture.supplyAsync(this::sample, executor);
  }

  /** Reads the sources once; synchronized because a slow read must not interleave with the next. */
  public final synchronized List<Sample> sample() {
    return sample(nanos.getAsLong());
  }

  protected abstract List<Sample> sample(long nowNanos);

  protected List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(file + " does not exist: is this Linux with /proc mounted?", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Per-second rate of a counter delta over {@code elapsedNanos}. */
  protected static double perSecond(long delta, long elapsedNanos) {
    return elapsedNanos <= 0 ? 0 : delta * 1e9 / elapsedNanos;
  }
}

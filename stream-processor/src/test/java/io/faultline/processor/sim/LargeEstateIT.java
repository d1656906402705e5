package io.faultline.processor.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.schemas.scenario.ScenarioReader;
import java.io.Writer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 100,000-entity estate streams out without holding its telemetry (timings: `faultline simulate` prints them). */
class LargeEstateIT {

  /** Counts lines and parses a sample of them, keeping nothing. */
  private static final class CheckingWriter extends Writer {
    final StringBuilder line = new StringBuilder();
    long lines;
    long parsed;

    @Override
    public void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (buf[i] == '\n') {
          lines++;
          if (lines % 997 == 0) {
            ScenarioReader.parse(line.toString(), lines);
            parsed++;
          }
          line.setLength(0);
        } else {
          line.append(buf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void shouldStreamAHundredThousandEntitiesWhenAskedForThem() throws Exception {
    CheckingWriter out = new CheckingWriter();
    SimulationSpec spec = SimulationSpec.of(100).withEntities(100_000).withMinutes(2)
        .withFaults(List.of(FaultKind.SWITCH_FAILURE, FaultKind.RESOLVER_DOWN, FaultKind.VM_DOWN));
    ScenarioGenerator.Summary summary = ScenarioGenerator.run(spec, out);
    assertTrue(Math.abs(summary.entities() - 100_000) <= 3_000, "entities " + summary.entities());
    assertEquals(summary.lines(), out.lines);
    assertTrue(out.parsed > 1_000);
    assertEquals(3, summary.expectations().faults().size());
    // Only the displacement window is held, not the run.
    assertTrue(summary.maxHeldLines() < summary.lines() / 2,
        "held " + summary.maxHeldLines() + " of " + summary.lines());
  }
}

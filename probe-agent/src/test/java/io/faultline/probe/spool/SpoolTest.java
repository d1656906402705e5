package io.faultline.probe.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.config.ProbeConfig.OverflowPolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  private static final long MIB = 1024 * 1024;

  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void fill(Spool spool, int from, int to) {
    for (int i = from; i < to; i++) {
      spool.append("faultline.telemetry.disk", b("disk:h/sda"), b("value-" + i + "-" + "x".repeat(200)), 1000L + i);
    }
  }

  @Test
  void shouldReturnRecordsInOrderAcrossSegmentsWhenRead() {
    try (Spool spool = new Spool(dir, 4 * MIB, 64 * 1024, OverflowPolicy.DROP_OLDEST)) {
      fill(spool, 0, 1000); // ~230 KB: several segments
      List<Spool.Entry> all = new java.util.ArrayList<>();
      long next = 0;
      while (true) {
        List<Spool.Entry> batch = spool.read(next, 77);
        if (batch.isEmpty()) {
          break;
        }
        all.addAll(batch);
        next = batch.get(batch.size() - 1).offset() + 1;
      }
      assertEquals(1000, all.size());
      for (int i = 0; i < 1000; i++) {
        assertEquals(i, all.get(i).offset());
        assertEquals(1000L + i, all.get(i).timestamp());
        assertTrue(new String(all.get(i).value(), StandardCharsets.UTF_8).startsWith("value-" + i + "-"));
      }
      assertEquals(500, spool.read(500, 1).get(0).offset(), "random access after sequential reads");
    }
  }

  @Test
  void shouldResumeFromTheCommittedOffsetWhenReopened() throws Exception {
    try (Spool spool = new Spool(dir, 4 * MIB, 64 * 1024, OverflowPolicy.DROP_OLDEST)) {
      fill(spool, 0, 600);
      spool.commit(450);
    }
    try (Spool spool = new Spool(dir, 4 * MIB, 64 * 1024, OverflowPolicy.DROP_OLDEST)) {
      assertEquals(450, spool.committed());
      assertEquals(600, spool.endOffset());
      assertEquals(150, spool.pending());
      assertEquals(450, spool.read(spool.committed(), 1).get(0).offset());
      fill(spool, 600, 610);
      assertEquals(609, spool.read(609, 10).get(0).offset());
    }
    try (Stream<Path> files = Files.list(dir)) {
      long segments = files.filter(p -> p.toString().endsWith(".seg")).count();
      assertTrue(segments <= 2, "fully committed segments are deleted, " + segments + " left");
    }
  }

  @Test
  void shouldCutATornTailWhenTheAgentCrashedMidWrite() throws Exception {
    try (Spool spool = new Spool(dir, 4 * MIB, MIB, OverflowPolicy.DROP_OLDEST)) {
      fill(spool, 0, 10);
    }
    Path seg;
    try (Stream<Path> files = Files.list(dir)) {
      seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    // half a frame: a length promising more than follows
    Files.write(seg, ByteBuffer.allocate(12).putInt(500).putInt(42).putInt(7).array(), StandardOpenOption.APPEND);
    try (Spool spool = new Spool(dir, 4 * MIB, MIB, OverflowPolicy.DROP_OLDEST)) {
      assertEquals(10, spool.endOffset());
      assertEquals(10, spool.read(0, 100).size());
      assertEquals(10, spool.append("t", b("k"), b("v"), 1), "appends continue after the cut");
      assertArrayEquals(b("v"), spool.read(10, 1).get(0).value());
    }
  }

  @Test
  void shouldDropAndCountTheOldestUndeliveredRecordsWhenFullWithDropOldest() {
    try (Spool spool = new Spool(dir, MIB, 256 * 1024, OverflowPolicy.DROP_OLDEST)) {
      fill(spool, 0, 10_000); // ~2.3 MB into a 1 MiB spool
      assertTrue(spool.sizeBytes() <= MIB);
      assertTrue(spool.dropped() > 0);
      assertEquals(10_000, spool.endOffset());
      assertEquals(spool.committed(), spool.read(0, 1).get(0).offset(), "reading starts at the oldest kept record");
      assertEquals(10_000 - spool.committed(), spool.pending());
      assertEquals(spool.dropped(), spool.committed(), "every record dropped was undelivered");
    }
  }

  @Test
  void shouldRefuseNewRecordsWhenFullWithDropNewest() {
    try (Spool spool = new Spool(dir, MIB, 256 * 1024, OverflowPolicy.DROP_NEWEST)) {
      fill(spool, 0, 10_000);
      assertTrue(spool.sizeBytes() <= MIB);
      assertEquals(0, spool.read(0, 1).get(0).offset(), "the oldest are kept");
      assertEquals(10_000 - spool.endOffset(), spool.dropped());
    }
  }
}

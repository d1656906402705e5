package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SilenceIndexTest {

  @Test
  void shouldReturnDueEntitiesByDeadlineThenIdOnlyOnceWhenTheirRangeIsTaken() {
    SilenceIndex index = new SilenceIndex();
    index.add(5_500, "vm:b");
    index.add(5_500, "vm:a");
    index.add(5_200, "vm:c");
    index.add(7_000, "vm:d");
    index.add(4_999, "vm:e");
    assertEquals(List.of(new SilenceIndex.Due(5_200, "vm:c"), new SilenceIndex.Due(5_500, "vm:a"),
        new SilenceIndex.Due(5_500, "vm:b")), index.takeDue(5_000, 6_999));
    assertEquals(List.of(), index.takeDue(5_000, 6_999));
    assertEquals(List.of(new SilenceIndex.Due(4_999, "vm:e"), new SilenceIndex.Due(7_000, "vm:d")),
        index.takeDue(Long.MIN_VALUE, 7_000));
  }

  @Test
  void shouldForgetAnEntityOnlyAtTheDeadlineItHasWhenItMoves() {
    SilenceIndex index = new SilenceIndex();
    index.add(5_000, "vm:a");
    index.remove(5_000, "vm:a");
    index.add(8_000, "vm:a");
    index.remove(5_000, "vm:a");
    assertEquals(List.of(new SilenceIndex.Due(8_000, "vm:a")), index.takeDue(0, 10_000));
  }
}

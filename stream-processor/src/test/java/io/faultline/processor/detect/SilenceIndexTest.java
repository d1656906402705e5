package io.faultline.processor.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SilenceIndexTest {

  @Test
  void shouldReturnDueEntitiesByDeadlineThenIdOnlyOnceWhenTheirRangeIsTaken() {
    SilenceIndex index = new SilenceIndex();
    index.put(5_500, "vm:b");
    index.put(5_500, "vm:a");
    index.put(5_200, "vm:c");
    index.put(7_000, "vm:d");
    index.put(4_999, "vm:e");
    assertEquals(List.of(new SilenceIndex.Due(5_200, "vm:c"), new SilenceIndex.Due(5_500, "vm:a"),
        new SilenceIndex.Due(5_500, "vm:b")), index.takeDue(5_000, 6_999));
    assertEquals(List.of(), index.takeDue(5_000, 6_999));
    assertNull(index.registered("vm:a"));
    assertEquals(List.of(new SilenceIndex.Due(4_999, "vm:e"), new SilenceIndex.Due(7_000, "vm:d")),
        index.takeDue(Long.MIN_VALUE, 7_000));
    assertEquals(0, index.size());
  }

  @Test
  void shouldKeepOneRegistrationPerEntityWhenItIsRegisteredAgain() {
    SilenceIndex index = new SilenceIndex();
    index.put(5_000, "vm:a");
    index.put(8_000, "vm:a");
    index.put(8_000, "vm:a");
    assertEquals(8_000L, index.registered("vm:a"));
    assertEquals(1, index.size());
    assertEquals(List.of(), index.takeDue(0, 7_999));
    assertEquals(List.of(new SilenceIndex.Due(8_000, "vm:a")), index.takeDue(0, 10_000));
    index.put(9_000, "vm:b");
    index.put(2_500, "vm:b");
    assertEquals(List.of(new SilenceIndex.Due(2_500, "vm:b")), index.takeDue(0, 10_000));
  }
}

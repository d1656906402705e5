package io.faultline.processor.eval;

import java.time.Instant;
import java.util.Objects;

/** One injected fault: the faulty entity, when it started and what it was (FORMAT.md, expectations). */
public record ExpectedFault(String root, Instant onset, String kind) {
  public ExpectedFault {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(onset, "onset");
    Objects.requireNonNull(kind, "kind");
  }
}

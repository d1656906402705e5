package io.faultline.processor.sim;

/**
 * How one fault shows on one entity from {@code startMs} on.
 *
 * @param fault    index of the fault in the plan
 * @param severity 0..1: share of failing checks, strength of the degradation
 * @param root     the faulty entity itself (its own telemetry shows the fault at full strength)
 */
record Effect(int fault, long startMs, double severity, Impact impact, boolean root) {

  /** What kind of trouble an entity is in; each telemetry type shows it in its own way. */
  enum Impact {
    /** I/O errors and very high latency (a failing disk array). */
    STORAGE_ERRORS,
    /** High I/O latency; VMs on slow storage page and stall. */
    STORAGE_SLOW,
    /** Memory pressure: paging and swapping. */
    PAGING,
    /** Packet errors, drops, retransmissions. */
    NETWORK,
    /** Resolutions time out or SERVFAIL. */
    DNS_TIMEOUT,
    /** The name does not exist. */
    DNS_NXDOMAIN,
    /** The application itself returns errors. */
    APP_ERRORS,
    /** Something the entity needs is in trouble: checks fail partially and get slow. */
    DEGRADED,
    /** Stopped: no telemetry, pools take it out of rotation. */
    DOWN
  }

  /** Whether a load balancer would take this member out of rotation. */
  boolean outOfRotation() {
    return impact == Impact.DOWN || (impact == Impact.NETWORK && severity >= 0.6);
  }
}

package io.faultline.processor.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The faults the simulator can inject; {@link #cliName()} is the name on the command line and in expectations. */
public enum FaultKind {
  /** A disk array returns write errors and slows down; its datastores, their VMs and apps suffer. */
  ARRAY_WRITE_ERRORS("array-write-errors"),
  /** One datastore becomes slow; VMs on it page, their apps slow down and fail partially. */
  DATASTORE_LATENCY("datastore-latency"),
  /** A host runs out of memory and swaps; its VMs are slow. */
  MEMORY_PAGING("memory-paging"),
  /** One host NIC shows errors and drops; what runs on that host fails partially. */
  NIC_ERRORS("nic-errors"),
  /** A silent top-of-rack switch fails: every NIC behind it errors, hosts, VMs and apps suffer. */
  SWITCH_FAILURE("switch-failure"),
  /** A DNS resolver stops answering: every name on it times out or SERVFAILs. */
  RESOLVER_DOWN("resolver-down"),
  /** One DNS record disappears (NXDOMAIN) while its siblings on the same resolver still resolve. */
  RECORD_MISSING("record-missing"),
  /** One application's checks fail with a healthy infrastructure; callers may fail too. */
  APP_BUG("app-bug"),
  /** A VM stops (telemetry goes silent, its pool reports it DOWN) and nothing covers for it. */
  VM_DOWN("vm-down"),
  /** A VM stops inside a pool that still has enough healthy members: applications stay healthy. */
  VM_DOWN_REDUNDANT("vm-down-redundant");

  private final String cliName;

  FaultKind(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static FaultKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (FaultKind k : values()) {
      if (k.cliName.equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown fault kind '" + name + "' (known: " + names() + ")");
  }

  public static String names() {
    return Arrays.stream(values()).map(FaultKind::cliName).collect(Collectors.joining(", "));
  }
}

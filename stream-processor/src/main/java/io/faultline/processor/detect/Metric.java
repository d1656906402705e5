package io.faultline.processor.detect;

/**
 * A numeric signal judged against its own learned baseline. A sample is abnormal when it exceeds
 * {@code max(mean + k * deviation, mean * ratio, mean + floor)}: the floor keeps a very steady
 * signal (a 2 ms disk, an error counter that is always 0) from alarming on a trivial rise, the
 * ratio does the same for large values.
 */
public enum Metric {
  DISK_READ_LATENCY("disk.readLatencyMs", "ms", 5.0, 3.0),
  DISK_WRITE_LATENCY("disk.writeLatencyMs", "ms", 5.0, 3.0),
  MEMORY_PAGE_IN("memory.pageInPerSec", "/s", 50.0, 4.0),
  MEMORY_PAGE_OUT("memory.pageOutPerSec", "/s", 50.0, 4.0),
  MEMORY_SWAP_IN("memory.swapInPerSec", "/s", 10.0, 4.0),
  MEMORY_SWAP_OUT("memory.swapOutPerSec", "/s", 10.0, 4.0),
  NETWORK_RX_ERRORS("network.rxErrors", "", 3.0, 4.0),
  NETWORK_TX_ERRORS("network.txErrors", "", 3.0, 4.0),
  NETWORK_RX_DROPPED("network.rxDropped", "", 3.0, 4.0),
  NETWORK_TX_DROPPED("network.txDropped", "", 3.0, 4.0),
  NETWORK_RETRANS("network.retransPerSec", "/s", 10.0, 4.0),
  DNS_LATENCY("dns.latencyMs", "ms", 20.0, 5.0),
  APP_LATENCY("app.latencyMs", "ms", 50.0, 1.8);

  private final String signal;
  private final String unit;
  private final double floor;
  private final double ratio;

  Metric(String signal, String unit, double floor, double ratio) {
    this.signal = signal;
    this.unit = unit;
    this.floor = floor;
    this.ratio = ratio;
  }

  /** The Symptom.signal name. */
  public String signal() {
    return signal;
  }

  public String unit() {
    return unit;
  }

  /** Least rise over the mean that counts as abnormal. */
  public double floor() {
    return floor;
  }

  /** Least multiple of the mean that counts as abnormal. */
  public double ratio() {
    return ratio;
  }

  /** The bare field name, for descriptions. */
  public String field() {
    return signal.substring(signal.indexOf('.') + 1);
  }
}

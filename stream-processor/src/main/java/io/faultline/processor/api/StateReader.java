package io.faultline.processor.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Read access to the processor's key-value state stores, as JSON, wherever the owning task
 * runs. Implementations either answer completely or throw {@link ApiException} (503 while state
 * is moving): a partial scan is never returned as if it were the whole store.
 */
public interface StateReader {

  /** The value under {@code key}, or empty when the store has none. */
  Optional<JsonNode> get(String store, String key);

  /** Every entry whose key starts with {@code prefix} ("" for all), over all partitions, in key order. */
  List<StoreEntry> scan(String store, String prefix);

  /** One key-value pair of a store. */
  record StoreEntry(String key, JsonNode value) {}
}

package io.faultline.processor.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.faultline.processor.api.StateReader.StoreEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of one partition of a store hosted by this instance. Only active tasks answer (no stale
 * standby reads): a standby may lag, and a lagging answer would be presented as current.
 */
final class LocalStores {
  private static final StringSerializer KEYS = new StringSerializer();

  private final KafkaStreams streams;
  private final int retryAfterSeconds;

  LocalStores(KafkaStreams streams, int retryAfterSeconds) {
    this.streams = streams;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  Optional<JsonNode> get(String store, String key, int partition) {
    Object value;
    try {
      value = store(store, partition).get(key);
    } catch (InvalidStateStoreException e) {
      throw notHere(store, partition, e);
    }
    return value == null ? Optional.empty() : Optional.of(Json.MAPPER.valueToTree(value));
  }

  List<StoreEntry> scan(String store, String prefix, int partition) {
    List<StoreEntry> out = new ArrayList<>();
    try {
      ReadOnlyKeyValueStore<String, Object> kv = store(store, partition);
      try (KeyValueIterator<String, Object> it = prefix.isEmpty() ? kv.all() : kv.prefixScan(prefix, KEYS)) {
        while (it.hasNext()) {
          KeyValue<String, Object> e = it.next();
          if (e.value != null) {
            out.add(new StoreEntry(e.key, Json.MAPPER.valueToTree(e.value)));
          }
        }
      }
    } catch (InvalidStateStoreException e) {
      throw notHere(store, partition, e);
    }
    return out;
  }

  private ReadOnlyKeyValueStore<String, Object> store(String store, int partition) {
    return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, Object>keyValueStore())
        .withPartition(partition));
  }

  private ApiException notHere(String store, int partition, InvalidStateStoreException e) {
    return ApiException.unavailable("store " + store + " partition " + partition
        + " is not active on this instance right now (" + e.getMessage() + ")", retryAfterSeconds, e);
  }
}

package io.faultline.processor.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Reads a store wherever its partitions are active: locally when this instance hosts the
 * partition, otherwise forwarded to the owner named by the Streams metadata
 * ({@code application.server} of each instance). A scan covers every partition of the store or
 * fails with 503: while the group rebalances, or an owner is unknown or unreachable, nothing
 * partial is returned.
 */
public final class ClusterStateReader implements StateReader {
  private static final StringSerializer KEYS = new StringSerializer();

  private final KafkaStreams streams;
  private final HostInfo self;
  private final LocalStores local;
  private final PeerClient peers;
  private final int retryAfter;
  private final FaultlineMetrics metrics;

  public ClusterStateReader(KafkaStreams streams, ApiSettings settings, FaultlineMetrics metrics) {
    this(streams, settings, new LocalStores(streams, settings.retryAfterSeconds()), new PeerClient(settings), metrics);
  }

  ClusterStateReader(KafkaStreams streams, ApiSettings settings, LocalStores local, PeerClient peers,
      FaultlineMetrics metrics) {
    this.metrics = metrics;
    this.streams = streams;
    this.self = settings.self();
    this.local = local;
    this.peers = peers;
    this.retryAfter = settings.retryAfterSeconds();
  }

  @Override
  public Optional<JsonNode> get(String store, String key) {
    requireRunning();
    KeyQueryMetadata md = metadata(store, () -> streams.queryMetadataForKey(store, key, KEYS));
    HostInfo owner = owner(store, md);
    metrics.storeRead(store, owner.equals(self));
    if (owner.equals(self)) {
      return local.get(store, key, md.partition());
    }
    return peers.read(owner, store, md.partition(), key, null).stream().findFirst().map(StateReader.StoreEntry::value);
  }

  @Override
  public List<StoreEntry> scan(String store, String prefix) {
    requireRunning();
    Map<Integer, HostInfo> owners = partitionOwners(store);
    List<StoreEntry> out = new ArrayList<>();
    for (Map.Entry<Integer, HostInfo> e : owners.entrySet()) {
      int p = e.getKey();
      metrics.storeRead(store, e.getValue().equals(self));
      out.addAll(e.getValue().equals(self)
          ? local.scan(store, prefix, p)
          : peers.read(e.getValue(), store, p, null, prefix));
    }
    // The owners may have changed while we read: only an unchanged assignment proves the union is whole.
    if (!partitionOwners(store).equals(owners)) {
      throw ApiException.unavailable("partitions of " + store + " moved while being read", retryAfter);
    }
    out.sort(Comparator.comparing(StoreEntry::key));
    return out;
  }

  /** This instance's view of who hosts each partition of {@code store}, read from the Streams metadata. */
  public Map<Integer, HostInfo> partitionOwners(String store) {
    int[] count = {-1};
    KeyQueryMetadata first = metadata(store, () -> streams.queryMetadataForKey(store, "", (topic, k, v, n) -> {
      count[0] = n;
      return Optional.of(Set.of(0));
    }));
    Map<Integer, HostInfo> owners = new LinkedHashMap<>();
    owners.put(0, owner(store, first));
    for (int p = 1; p < count[0]; p++) {
      int pinned = p;
      // A partitioner that pins the partition asks the metadata "who owns partition p" directly.
      KeyQueryMetadata md = metadata(store, () -> streams.queryMetadataForKey(store, "",
          (topic, k, v, n) -> Optional.of(Set.of(pinned))));
      owners.put(p, owner(store, md));
    }
    return owners;
  }

  private void requireRunning() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw ApiException.unavailable("the processor is " + state + "; state is not queryable until it is RUNNING",
          retryAfter);
    }
  }

  private KeyQueryMetadata metadata(String store, java.util.function.Supplier<KeyQueryMetadata> query) {
    KeyQueryMetadata md;
    try {
      md = query.get();
    } catch (StreamsException e) {
      throw ApiException.unavailable("no metadata for store " + store + " yet (" + e.getMessage() + ")", retryAfter, e);
    }
    if (md == null) {
      throw ApiException.internal("store " + store + " is not part of this processor's topology", null);
    }
    return md;
  }

  private HostInfo owner(String store, KeyQueryMetadata md) {
    if (md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null || md.activeHost().port() < 0) {
      throw ApiException.unavailable("the owner of store " + store + " is not known right now (rebalancing)",
          retryAfter);
    }
    return md.activeHost();
  }
}

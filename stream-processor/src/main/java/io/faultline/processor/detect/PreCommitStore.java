package io.faultline.processor.detect;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The outermost layer of a key-value store that runs a hook just before Streams flushes the store's
 * cache. Streams does that at the start of every commit ({@code StreamTask.prepareCommit} calls
 * {@code ProcessorStateManager.flushCache}, which calls {@code flushCache()} on each registered store),
 * before the transaction with the task's input offsets commits, also when a task is suspended or
 * closed cleanly; the hook runs on the stream thread, after the processor's last record or
 * punctuation. So a processor can keep a value that changes with every record (the reorder buffer's
 * open segment, its watermarks) in memory and write it once per commit instead of once per record,
 * and the changelog still holds, at every commit, exactly what the committed offsets need.
 *
 * <p>Why not a public API: Streams offers none that runs before a commit ({@code StateStore.commit}
 * runs after it). This builds on Streams' {@link WrappedStateStore}, a public class of an internal
 * package, and on the call above; the Kafka version is pinned, and
 * {@code ReorderBufferTest.shouldLogTheOpenSegmentAtEveryCommitWhenRecordsArrive} fails if an upgrade
 * stops calling it.
 */
final class PreCommitStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {

  private static final Runnable NONE = () -> { };

  private Runnable hook = NONE;

  private PreCommitStore(KeyValueStore<K, V> inner) {
    super(inner);
  }

  /** {@code inner}'s store under this layer. */
  static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
    return new Builder<>(inner);
  }

  /**
   * Runs {@code hook} before every cache flush of {@code store} (as a processor gets it from its context) from
   * now on, in place of the hook set before (a task revived after an abort runs init() again).
   */
  static void beforeCommit(StateStore store, Runnable hook) {
    StateStore s = store;
    while (!(s instanceof PreCommitStore<?, ?>)) {
      if (!(s instanceof WrappedStateStore<?, ?, ?> w)) {
        throw new IllegalStateException("store " + store.name() + " was not built with PreCommitStore.builder()");
      }
      s = w.wrapped();
    }
    ((PreCommitStore<?, ?>) s).hook = hook;
  }

  @Override
  public void flushCache() {
    hook.run();
    super.flushCache();
  }

  @Override
  public void put(K key, V value) {
    wrapped().put(key, value);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    return wrapped().putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    wrapped().putAll(entries);
  }

  @Override
  public V delete(K key) {
    return wrapped().delete(key);
  }

  @Override
  public V get(K key) {
    return wrapped().get(key);
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  private record Builder<K, V>(StoreBuilder<KeyValueStore<K, V>> inner) implements StoreBuilder<KeyValueStore<K, V>> {

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
      inner.withCachingEnabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
      inner.withCachingDisabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
      return new PreCommitStore<>(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}

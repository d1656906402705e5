package io.faultline.processor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the process: one LRU block cache shared
 * by all stores, with memtables charged against it through one WriteBufferManager, and index and
 * filter blocks kept in the cache instead of growing outside it. Sizes come from the streams
 * config ({@link #CACHE_BYTES}, {@link #WRITE_BUFFER_BYTES}); the first store opened fixes them
 * for the life of the JVM, because the cache must be shared to be a bound.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

  public static final String CACHE_BYTES = "faultline.rocksdb.cache.bytes";
  public static final String WRITE_BUFFER_BYTES = "faultline.rocksdb.write.buffer.bytes";
  public static final long DEFAULT_CACHE_BYTES = 128L << 20;
  // 16 MiB shared by ~40 stores made every memtable flush small and often: RocksDB flush and compaction
  // took three times the stream thread's CPU (docs/benchmarks.md), and at 100k entities one store
  // reached file number 8,988 in 15 minutes (docs/benchmarks-scale.md).
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;

  private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
  private static final long BLOCK_SIZE = 16 << 10;
  private static final int MEMTABLES = 3;
  /**
   * Memtable size per store as a share of the shared write buffer. The WriteBufferManager only
   * ever flushes the store being written to: if stores that are rarely written (the topology,
   * the silence index) sit on large memtables, the budget stays full and every busy store
   * flushes a tiny memtable on almost every write (seen at 100,000 entities: thousands of L0
   * files per store, detection crawling). With ~40 stores each bounded to 1/32 of the budget,
   * the idle ones cannot fill it.
   */
  static final int MEMTABLE_SHARE = 32;
  /**
   * Arena block of each memtable. A memtable reserves its blocks against the shared
   * WriteBufferManager as it grows, in RocksDB's default unit of write buffer / 8 (up to 1 MiB);
   * with ~40 stores (5 per detection task, 7 for correlation) memtables holding a few records
   * would reserve a large share of the budget. Small blocks keep reservations close to the data.
   */
  static final long ARENA_BLOCK_BYTES = 64 << 10;

  private static Cache cache;
  private static WriteBufferManager writeBufferManager;
  private static long writeBufferBytes;

  /** Bytes in the shared cache now (blocks, index and filter blocks, and the memtables charged to it). */
  public static final String CACHE_USAGE = "faultline.rocksdb.cache.usage";
  /** Bytes of it pinned (in use by readers or memtables, not evictable). */
  public static final String CACHE_PINNED = "faultline.rocksdb.cache.pinned";

  /**
   * Gauges of the shared cache: with memtables and table readers charged to it, its usage is
   * what RocksDB holds off-heap for the stores of this process (NaN until the first store opens).
   */
  public static void bindTo(MeterRegistry meters) {
    Gauge.builder(CACHE_USAGE, () -> usage(false))
        .description("Bytes in the block cache shared by every RocksDB store, memtables included")
        .baseUnit("bytes").register(meters);
    Gauge.builder(CACHE_PINNED, () -> usage(true))
        .description("Bytes of the shared RocksDB block cache pinned by readers and memtables")
        .baseUnit("bytes").register(meters);
  }

  private static synchronized double usage(boolean pinned) {
    if (cache == null) {
      return Double.NaN;
    }
    return pinned ? cache.getPinnedUsage() : cache.getUsage();
  }

  private static synchronized void init(Map<String, Object> configs) {
    if (cache != null) {
      return;
    }
    long cacheBytes = bytes(configs, CACHE_BYTES, DEFAULT_CACHE_BYTES);
    writeBufferBytes = Math.min(bytes(configs, WRITE_BUFFER_BYTES, DEFAULT_WRITE_BUFFER_BYTES), cacheBytes);
    cache = new LRUCache(cacheBytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
    writeBufferManager = new WriteBufferManager(writeBufferBytes, cache);
  }

  static long bytes(Map<String, Object> configs, String key, long dflt) {
    Object v = configs.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.toString().trim());
      if (n <= 0) {
        throw new IllegalArgumentException(key + " must be positive, got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number of bytes, got '" + v + "'", e);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    init(configs);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    table.setBlockSize(BLOCK_SIZE);
    options.setWriteBufferManager(writeBufferManager);
    options.setMaxWriteBufferNumber(MEMTABLES);
    options.setWriteBufferSize(Math.max(256 << 10, writeBufferBytes / MEMTABLE_SHARE));
    options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store: never closed per store.
  }
}

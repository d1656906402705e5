package io.faultline.processor;

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
  // took three times the stream thread's CPU (stream-processor/docs/benchmarks.md).
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L << 20;

  private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
  private static final long BLOCK_SIZE = 16 << 10;
  private static final int MEMTABLES = 3;

  private static Cache cache;
  private static WriteBufferManager writeBufferManager;
  private static long writeBufferBytes;

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
    options.setWriteBufferSize(Math.max(1 << 20, writeBufferBytes / MEMTABLES));
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store: never closed per store.
  }
}

package io.faultline.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class BoundedMemoryRocksDbConfigTest {

  /** As many stores as the processor opens with six telemetry partitions (5 x 6 + 7). */
  private static final int STORES = 37;
  /** Stores loaded once and then rarely written, as the topology and silence index are. */
  private static final int LOADED = 10;

  @Test
  void shouldNotFlushBusyStoresWhenRarelyWrittenStoresHoldData(@TempDir Path dir) throws Exception {
    RocksDB.loadLibrary();
    BoundedMemoryRocksDbConfig setter = new BoundedMemoryRocksDbConfig();
    List<Options> options = new ArrayList<>();
    List<RocksDB> dbs = new ArrayList<>();
    try {
      for (int i = 0; i < STORES; i++) {
        Options o = new Options().setCreateIfMissing(true);
        o.setTableFormatConfig(new BlockBasedTableConfig());
        setter.setConfig("store-" + i, o, Map.of());
        // Every flush stays an L0 file, so the files count the flushes.
        o.setDisableAutoCompactions(true);
        options.add(o);
        dbs.add(RocksDB.open(o, dir.resolve("store-" + i).toString()));
      }
      byte[] large = new byte[200];
      for (int i = 0; i < LOADED; i++) {
        for (int n = 0; n < 8000; n++) {
          dbs.get(i).put(("entity-" + n).getBytes(StandardCharsets.UTF_8), large);
        }
      }
      long afterLoad = flushes(dbs);
      // Busy stores updating a few hundred keys each: 5 MiB of writes, well inside the write buffer.
      byte[] small = new byte[100];
      for (int n = 0; n < 2000; n++) {
        for (int i = LOADED; i < STORES; i++) {
          dbs.get(i).put(("series-" + n % 500).getBytes(StandardCharsets.UTF_8), small);
        }
      }
      assertEquals(afterLoad, flushes(dbs), "memtables flushed while the write buffer had room");
    } finally {
      dbs.forEach(RocksDB::close);
      options.forEach(Options::close);
    }
  }

  private static long flushes(List<RocksDB> dbs) throws RocksDBException {
    long n = 0;
    for (RocksDB db : dbs) {
      n += Long.parseLong(db.getProperty("rocksdb.num-files-at-level0"))
          + db.getLongProperty("rocksdb.num-immutable-mem-table");
    }
    return n;
  }
}

package io.faultline.probe.spool;

import io.faultline.probe.config.ProbeConfig.OverflowPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's write-ahead buffer between measuring and Kafka: an append-only log of segment
 * files plus a committed-offset file. Every sample is appended here first; the sender reads from
 * the committed offset, and commits only what the broker acknowledged. So a broker outage, a
 * registry outage or an agent restart loses nothing, and records leave in the order they were
 * taken.
 *
 * <p>Record frame: {@code int length, int crc32c, long offset, long timestamp, short topicLength,
 * topic, int keyLength, key, int valueLength, value}. Segment files are named by their first
 * offset ({@code 00000000000000000042.seg}). On open, a torn or corrupt tail of the last segment
 * (a crash mid-write) is cut off. Fully committed segments are deleted.
 *
 * <p>Bounded: when appending would pass {@code maxBytes}, {@link OverflowPolicy#DROP_OLDEST}
 * deletes the oldest segment (its undelivered records are counted in {@link #dropped()} and
 * logged), {@link OverflowPolicy#DROP_NEWEST} refuses the new record instead.
 */
public final class Spool implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final String SUFFIX = ".seg";
  private static final String COMMIT_FILE = "committed";
  private static final int HEADER = 8; // length + crc

  /** One stored record; {@code key} and {@code value} are as the caller gave them. */
  public record Entry(long offset, String topic, byte[] key, byte[] value, long timestamp) {}

  private static final class Segment {
    final long base;
    final Path file;
    long end; // next offset after its last record
    long size;

    Segment(long base, Path file) {
      this.base = base;
      this.file = file;
      this.end = base;
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final OverflowPolicy policy;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private FileChannel active;
  private long committed;
  private long totalBytes;
  // Read cursor: where the last read ended, so a sequential reader never rescans a segment.
  private long cursorOffset = -1;
  private long cursorPosition;
  private long cursorSegment = -1;

  public Spool(Path dir, long maxBytes, long segmentBytes, OverflowPolicy policy) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.policy = policy;
    try {
      Files.createDirectories(dir);
      recover();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the spool in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
        String n = f.getFileName().toString();
        try {
          long base = Long.parseLong(n.substring(0, n.length() - SUFFIX.length()));
          segments.put(base, new Segment(base, f));
        } catch (NumberFormatException e) {
          LOG.warn("ignoring {} in the spool directory: not a segment file", f);
        }
      }
    }
    for (Segment s : segments.values()) {
      scan(s, s == segments.lastEntry().getValue());
      totalBytes += s.size;
    }
    Path commitFile = dir.resolve(COMMIT_FILE);
    if (Files.exists(commitFile)) {
      try {
        committed = Long.parseLong(Files.readString(commitFile).trim());
      } catch (NumberFormatException e) {
        LOG.warn("spool commit file {} is unreadable; resending everything spooled", commitFile);
        committed = 0;
      }
    }
    long first = segments.isEmpty() ? committed : segments.firstKey();
    committed = Math.max(committed, first);
    committed = Math.min(committed, endOffset());
    if (segments.isEmpty()) {
      segments.put(committed, new Segment(committed, segmentPath(committed)));
    }
    active = FileChannel.open(segments.lastEntry().getValue().file,
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    active.position(active.size());
    deleteCommittedSegments();
    if (endOffset() > committed) {
      LOG.info("spool {}: {} records from an earlier run to resend (offsets {}..{})", dir, endOffset() - committed,
          committed, endOffset() - 1);
    }
  }

  /** Counts a segment's records; cuts a torn or corrupt tail off the last one. */
  private void scan(Segment s, boolean last) throws IOException {
    try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long pos = 0;
      long size = ch.size();
      long expected = s.base;
      while (true) {
        Entry e = readAt(ch, pos, size);
        if (e == null || e.offset() != expected) {
          break;
        }
        pos += HEADER + frameLength(ch, pos);
        expected++;
      }
      if (pos < size) {
        if (last) {
          LOG.warn("spool segment {}: cutting {} bytes of torn or corrupt tail", s.file, size - pos);
          ch.truncate(pos);
        } else {
          LOG.warn("spool segment {}: {} unreadable bytes after offset {}; they are skipped", s.file, size - pos, expected - 1);
        }
      }
      s.end = expected;
      s.size = pos;
    }
  }

  private static int frameLength(FileChannel ch, long pos) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4);
    ch.read(b, pos);
    return b.flip().getInt();
  }

  /** Reads the frame at {@code pos}; null if it is incomplete or fails its checksum. */
  private static Entry readAt(FileChannel ch, long pos, long size) throws IOException {
    if (pos + HEADER > size) {
      return null;
    }
    ByteBuffer head = ByteBuffer.allocate(HEADER);
    ch.read(head, pos);
    head.flip();
    int length = head.getInt();
    int crc = head.getInt();
    if (length < 26 || pos + HEADER + length > size) {
      return null;
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    while (body.hasRemaining()) {
      if (ch.read(body, pos + HEADER + body.position()) < 0) {
        return null;
      }
    }
    CRC32C c = new CRC32C();
    c.update(body.array());
    if ((int) c.getValue() != crc) {
      return null;
    }
    body.flip();
    try {
      long offset = body.getLong();
      long timestamp = body.getLong();
      byte[] topic = new byte[body.getShort()];
      body.get(topic);
      byte[] key = bytes(body);
      byte[] value = bytes(body);
      return new Entry(offset, new String(topic, StandardCharsets.UTF_8), key, value, timestamp);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private Path segmentPath(long base) {
    return dir.resolve(String.format("%020d%s", base, SUFFIX));
  }

  /**
   * Appends a record and returns its offset, or -1 when the spool is full and the policy is
   * {@link OverflowPolicy#DROP_NEWEST}.
   */
  public synchronized long append(String topic, byte[] key, byte[] value, long timestamp) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    int length = 8 + 8 + 2 + t.length + 4 + (key == null ? 0 : key.length) + 4 + (value == null ? 0 : value.length);
    int frame = HEADER + length;
    try {
      Segment last = segments.lastEntry().getValue();
      if (last.size > 0 && last.size + frame > segmentBytes) {
        roll();
      }
      while (totalBytes + frame > maxBytes) {
        if (policy == OverflowPolicy.DROP_NEWEST || segments.size() == 1) {
          dropped.incrementAndGet();
          LOG.warn("spool {} is full ({} bytes): dropping the newest record for {} (dropped so far: {})",
              dir, totalBytes, topic, dropped.get());
          return -1;
        }
        dropOldest();
      }
      long offset = segments.lastEntry().getValue().end;
      ByteBuffer body = ByteBuffer.allocate(length);
      body.putLong(offset).putLong(timestamp).putShort((short) t.length).put(t);
      put(body, key);
      put(body, value);
      CRC32C c = new CRC32C();
      c.update(body.array());
      ByteBuffer buf = ByteBuffer.allocate(frame).putInt(length).putInt((int) c.getValue()).put(body.array());
      buf.flip();
      while (buf.hasRemaining()) {
        active.write(buf);
      }
      Segment s = segments.lastEntry().getValue();
      s.end++;
      s.size += frame;
      totalBytes += frame;
      notifyAll();
      return offset;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the spool in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void put(ByteBuffer b, byte[] v) {
    if (v == null) {
      b.putInt(-1);
    } else {
      b.putInt(v.length).put(v);
    }
  }

  private void roll() throws IOException {
    active.force(false);
    active.close();
    long base = segments.lastEntry().getValue().end;
    Segment s = new Segment(base, segmentPath(base));
    segments.put(base, s);
    active = FileChannel.open(s.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  private void dropOldest() throws IOException {
    Segment oldest = segments.pollFirstEntry().getValue();
    long lost = Math.max(0, oldest.end - Math.max(committed, oldest.base));
    Files.deleteIfExists(oldest.file);
    totalBytes -= oldest.size;
    if (lost > 0) {
      dropped.addAndGet(lost);
      LOG.warn("spool {} is full ({} bytes max): dropped the {} oldest undelivered records (offsets {}..{}; dropped so far: {})",
          dir, maxBytes, lost, Math.max(committed, oldest.base), oldest.end - 1, dropped.get());
    }
    committed = Math.max(committed, oldest.end);
    if (cursorSegment == oldest.base) {
      cursorOffset = -1;
    }
  }

  /**
   * Up to {@code max} records from {@code from} on (or from the first one still stored, if the
   * ones asked for were dropped); empty when there are none yet.
   */
  public synchronized List<Entry> read(long from, int max) {
    List<Entry> out = new ArrayList<>();
    try {
      long start = Math.max(from, segments.firstKey());
      var entry = segments.floorEntry(start);
      if (entry == null) {
        return out;
      }
      Segment s = entry.getValue();
      long pos = 0;
      long offset = s.base;
      if (cursorSegment == s.base && cursorOffset >= 0 && cursorOffset <= start) {
        pos = cursorPosition;
        offset = cursorOffset;
      }
      while (out.size() < max && s != null) {
        if (offset >= s.end) {
          var next = segments.higherEntry(s.base);
          s = next == null ? null : next.getValue();
          pos = 0;
          offset = s == null ? offset : s.base;
          continue;
        }
        try (FileChannel ch = s == segments.lastEntry().getValue() ? null : FileChannel.open(s.file, StandardOpenOption.READ)) {
          FileChannel src = ch == null ? active : ch;
          while (offset < s.end && out.size() < max) {
            Entry e = readAt(src, pos, s.size);
            if (e == null) {
              offset = s.end; // unreadable rest of a sealed segment (logged at open)
              break;
            }
            pos += HEADER + frameLength(src, pos);
            offset = e.offset() + 1;
            if (e.offset() >= start) {
              out.add(e);
            }
          }
        }
        cursorSegment = s.base;
        cursorOffset = offset;
        cursorPosition = pos;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spool in " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Waits up to {@code millis} for a record at or after {@code offset} to be appended. */
  public synchronized void awaitAppend(long offset, long millis) throws InterruptedException {
    if (endOffset() <= offset && millis > 0) {
      wait(millis);
    }
  }

  /** Records everything before {@code next} as delivered; deletes segments that are fully delivered. */
  public synchronized void commit(long next) {
    if (next <= committed) {
      return;
    }
    committed = Math.min(next, endOffset());
    try {
      Path tmp = dir.resolve(COMMIT_FILE + ".tmp");
      Files.writeString(tmp, Long.toString(committed));
      Files.move(tmp, dir.resolve(COMMIT_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      deleteCommittedSegments();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the spool commit file in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void deleteCommittedSegments() throws IOException {
    while (segments.size() > 1 && segments.firstEntry().getValue().end <= committed) {
      Segment s = segments.pollFirstEntry().getValue();
      Files.deleteIfExists(s.file);
      totalBytes -= s.size;
    }
  }

  /** The first offset not yet delivered. */
  public synchronized long committed() {
    return committed;
  }

  /** The offset the next appended record gets. */
  public synchronized long endOffset() {
    return segments.isEmpty() ? committed : segments.lastEntry().getValue().end;
  }

  /** Records waiting for delivery. */
  public synchronized long pending() {
    return endOffset() - committed;
  }

  public synchronized long sizeBytes() {
    return totalBytes;
  }

  /** Records lost to overflow since this spool was opened. */
  public long dropped() {
    return dropped.get();
  }

  public Path dir() {
    return dir;
  }

  @Override
  public synchronized void close() {
    try {
      if (active != null && active.isOpen()) {
        active.force(false);
        active.close();
      }
    } catch (IOException e) {
      LOG.warn("closing the spool in {}: {}", dir, e.getMessage());
    }
  }
}

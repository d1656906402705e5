package io.faultline.probe.spool;

import io.faultline.probe.Sample;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * How a sample is stored in the spool: key as UTF-8, value in Avro's single-object encoding
 * (marker, 8-byte schema fingerprint, binary). The spool therefore needs no schema registry, so
 * the agent keeps measuring and spooling while the registry is down; the Confluent wire format
 * (with a registry id) is produced only at send time. The fingerprint makes a record written by
 * an older agent with a different schema fail loudly instead of being misread.
 */
public final class SpoolCodec {

  private record Codec(BinaryMessageEncoder<SpecificRecord> encoder, BinaryMessageDecoder<SpecificRecord> decoder) {}

  private static final Map<String, Topic<?>> TOPICS = new HashMap<>();
  private static final Map<String, Codec> CODECS = new HashMap<>();

  static {
    for (Topic<?> t : Topics.ALL) {
      TOPICS.put(t.name(), t);
      SpecificData model = SpecificData.getForClass(t.valueType());
      var schema = model.getSchema(t.valueType());
      CODECS.put(t.name(), new Codec(new BinaryMessageEncoder<>(model, schema), new BinaryMessageDecoder<>(model, schema)));
    }
  }

  private SpoolCodec() {}

  public static Topic<?> topic(String name) {
    Topic<?> t = TOPICS.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown topic '" + name + "' in the spool");
    }
    return t;
  }

  public static byte[] key(Sample s) {
    return s.key().getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] value(Sample s) {
    try {
      ByteBuffer b = CODECS.get(s.topic().name()).encoder().encode(s.value());
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + s.value().getSchema().getFullName() + ": " + e.getMessage(), e);
    }
  }

  /** The record a spool entry holds; fails on an unknown topic or a schema this agent does not have. */
  public static Sample decode(Spool.Entry e) throws IOException {
    Topic<?> topic = topic(e.topic());
    SpecificRecord value = CODECS.get(e.topic()).decoder().decode(e.value());
    return new Sample(topic, new String(e.key(), StandardCharsets.UTF_8), value, e.timestamp());
  }
}

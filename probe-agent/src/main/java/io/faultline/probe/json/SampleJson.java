package io.faultline.probe.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.faultline.probe.Sample;
import io.faultline.schemas.EntityKinds;
import io.faultline.schemas.Topic;
import io.faultline.schemas.Topics;
import io.faultline.topology.TopologyEvent;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A sample as a scenario line (shared/scenarios/FORMAT.md): the same field names as the Avro
 * record, {@code type} from the topic, {@code t} for the event time, null fields left out. What
 * {@code probe --once} prints can be replayed as a scenario and reads back to the same record.
 */
public final class SampleJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private SampleJson() {}

  public static String toJson(Sample sample) {
    return toNode(sample.topic(), sample.value()).toString();
  }

  public static ObjectNode toNode(Topic<?> topic, SpecificRecord value) {
    ObjectNode out = JSON.createObjectNode();
    if (value instanceof TopologyEvent e) {
      return topology(out, e);
    }
    out.put("type", Topics.telemetryType(topic));
    for (Schema.Field f : value.getSchema().getFields()) {
      Object v = value.get(f.pos());
      String name = f.name().equals("eventTime") ? "t" : f.name();
      if (v == null) {
        continue;
      }
      if (v instanceof Instant i) {
        out.put(name, i.toString());
      } else if (v instanceof Double d) {
        out.put(name, d);
      } else if (v instanceof Integer n) {
        out.put(name, n);
      } else if (v instanceof Long n) {
        out.put(name, n);
      } else if (v instanceof Boolean b) {
        out.put(name, b);
      } else {
        out.put(name, v.toString()); // strings and enum symbols
      }
    }
    return out;
  }

  private static ObjectNode topology(ObjectNode out, TopologyEvent e) {
    if (e.getEntity() != null) {
      out.put("type", "entity");
      out.put("id", e.getEntity().getId());
      out.put("kind", EntityKinds.name(e.getEntity().getKind()));
      if (e.getEntity().getMinHealthy() != null) {
        out.put("minHealthy", e.getEntity().getMinHealthy());
      }
      if (!e.getEntity().getLabels().isEmpty()) {
        ObjectNode labels = out.putObject("labels");
        e.getEntity().getLabels().forEach(labels::put);
      }
    } else {
      out.put("type", "depends");
      out.put("from", e.getDependency().getFrom());
      out.put("to", e.getDependency().getTo());
    }
    if (e.getEventTime() != null) {
      out.put("t", e.getEventTime().toString());
    }
    if (e.getRemoved()) {
      out.put("removed", true);
    }
    return out;
  }
}

package io.faultline.probe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.probe.ProbeCli;
import io.faultline.schemas.registry.SchemaRegistries;
import io.faultline.schemas.registry.SchemaRegistry;
import io.faultline.stack.LocalStack;
import io.faultline.stack.LocalStackExtension;
import io.faultline.topology.TopologyEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code topology apply} against the real broker: declarations, changes, and removals on re-apply. */
@ExtendWith(LocalStackExtension.class)
class TopologyApplyIT {

  @TempDir
  Path dir;

  @Test
  void shouldPublishRemovalsWhenAChangedInventoryIsReapplied(LocalStack stack) throws Exception {
    String r = UUID.randomUUID().toString().substring(0, 8);
    String source = "inventory:it-" + r;
    Path file = dir.resolve("inventory.yaml");
    Files.writeString(file, """
        entities:
          - {id: "pool:web-%1$s", kind: pool, minHealthy: 2, labels: {site: a}}
          - {id: "switch:tor-%1$s", kind: switch}
        depends:
          - {from: "app:shop-%1$s", to: "pool:web-%1$s"}
          - {from: "pool:web-%1$s", to: "vm:a-%1$s"}
        """.formatted(r));
    String out = cli(stack, file, source);
    assertTrue(out.contains("4 declared or changed, 0 unchanged, 0 removed"), out);

    try (SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of("schema.registry.url", stack.registryUrl()))) {
      TopologyApply apply = new TopologyApply(Map.of("bootstrap.servers", stack.bootstrapServers()), registry);
      assertEquals(Set.of("pool:web-" + r, "switch:tor-" + r, "app:shop-" + r + " -> pool:web-" + r,
          "pool:web-" + r + " -> vm:a-" + r), apply.current(source).keySet());

      Files.writeString(file, """
          entities:
            - {id: "pool:web-%1$s", kind: pool, minHealthy: 3, labels: {site: a}}
          depends:
            - {from: "app:shop-%1$s", to: "pool:web-%1$s"}
            - {from: "pool:web-%1$s", to: "vm:b-%1$s"}
          """.formatted(r));
      TopologyApply.Result result = apply.apply(Inventory.load(file, source, Instant.now()), Instant.now());
      assertEquals(new TopologyApply.Result(2, 1, 2), result, "pool changed + new edge; one edge as it was; switch and old edge removed");

      Map<String, TopologyEvent> now = apply.current(source);
      assertEquals(Set.of("pool:web-" + r, "app:shop-" + r + " -> pool:web-" + r, "pool:web-" + r + " -> vm:b-" + r), now.keySet());
      assertEquals(3, now.get("pool:web-" + r).getEntity().getMinHealthy());

      assertEquals(new TopologyApply.Result(0, 3, 0), apply.apply(Inventory.load(file, source, Instant.now()), Instant.now()),
          "re-applying the same file publishes nothing");
      assertTrue(apply.current("inventory:someone-else").keySet().stream().noneMatch(k -> k.contains(r)),
          "removals and declarations stay with their source");
    }
    String again = cli(stack, file, source);
    assertTrue(again.contains("0 declared or changed, 3 unchanged, 0 removed"), again);
  }

  /** Runs {@code topology apply FILE} through the CLI entry point (run, which returns the exit code main would exit with). */
  private static String cli(LocalStack stack, Path file, String source) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = ProbeCli.run(new String[] {"topology", "apply", file.toString(), "--bootstrap", stack.bootstrapServers(),
        "--registry", stack.registryUrl(), "--source", source}, new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
    assertEquals(0, code);
    return buf.toString(StandardCharsets.UTF_8);
  }
}

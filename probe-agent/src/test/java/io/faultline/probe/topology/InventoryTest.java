package io.faultline.probe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.faultline.common.EntityKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryTest {

  @TempDir
  Path dir;

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("site-a.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void shouldKeyEntitiesAndEdgesAsTheTopologyTopicDoesWhenLoaded() throws Exception {
    Inventory inv = Inventory.load(write("""
        entities:
          - {id: pool:web, kind: pool, minHealthy: 2, labels: {site: a}}
          - {id: switch:tor-a, kind: switch}
        depends:
          - {from: app:shop, to: pool:web}
        """), null, Instant.EPOCH);
    assertEquals("inventory:site-a.yaml", inv.source());
    assertEquals(List.of("pool:web", "switch:tor-a", "app:shop -> pool:web"), List.copyOf(inv.events().keySet()));
    var pool = inv.events().get("pool:web").getEntity();
    assertEquals(EntityKind.POOL, pool.getKind());
    assertEquals(2, pool.getMinHealthy());
    assertEquals("a", pool.getLabels().get("site"));
    assertEquals("inventory:site-a.yaml", inv.events().get("app:shop -> pool:web").getSource());
  }

  @Test
  void shouldNameTheItemWhenAKindIsUnknown() throws Exception {
    Path f = write("entities:\n  - {id: 'lb:x', kind: loadbalancer}\n");
    var e = assertThrows(InventoryException.class, () -> Inventory.load(f, null, Instant.EPOCH));
    assertEquals(f + ": entities[0].kind: unknown entity kind 'loadbalancer'", e.getMessage());
  }

  @Test
  void shouldRejectTheEntityWhenItsIdPrefixContradictsItsKind() throws Exception {
    Path f = write("entities:\n  - {id: 'disk:a/sda', kind: host}\n");
    var e = assertThrows(InventoryException.class, () -> Inventory.load(f, null, Instant.EPOCH));
    assertTrue(e.getMessage().contains("names a disk but kind is host"), e.getMessage());
  }

  @Test
  void shouldRejectTheFileWhenItDeclaresDuplicatesOrSelfDependencies() throws Exception {
    Path dup = write("depends:\n  - {from: a:x, to: b:y}\n  - {from: a:x, to: b:y}\n");
    assertTrue(assertThrows(InventoryException.class, () -> Inventory.load(dup, null, Instant.EPOCH))
        .getMessage().contains("depends[1]: dependency 'a:x -> b:y' is declared twice"));
    Path self = write("depends:\n  - {from: a:x, to: a:x}\n");
    assertTrue(assertThrows(InventoryException.class, () -> Inventory.load(self, null, Instant.EPOCH))
        .getMessage().contains("cannot depend on itself"));
  }
}

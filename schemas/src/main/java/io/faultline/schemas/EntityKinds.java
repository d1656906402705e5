package io.faultline.schemas;

import io.faultline.common.EntityKind;
import java.util.Locale;

/** Converts between the scenario format's kind names (`dns-name`) and {@link EntityKind}. */
public final class EntityKinds {
  private EntityKinds() {}

  /** The kind for a scenario kind name; unknown names are an error, not OTHER, to catch typos. */
  public static EntityKind parse(String name) {
    try {
      return EntityKind.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown entity kind '" + name + "'");
    }
  }

  /** The scenario format's name of a kind, e.g. `disk-array`. */
  public static String name(EntityKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind implied by an id's prefix (`dns-resolver:10.0.0.53`), OTHER when it names none. */
  public static EntityKind ofId(String id) {
    int colon = id.indexOf(':');
    if (colon <= 0) {
      return EntityKind.OTHER;
    }
    String prefix = id.substring(0, colon);
    return switch (prefix) {
      case "app" -> EntityKind.APPLICATION;
      case "svc" -> EntityKind.SERVICE;
      default -> {
        try {
          yield parse(prefix);
        } catch (IllegalArgumentException e) {
          yield EntityKind.OTHER;
        }
      }
    };
  }
}

package io.faultline.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Configuration in four layers, each overriding the one before: built-in defaults, then a YAML
 * file, then {@code FAULTLINE_*} environment variables, then command-line flags. Keys are dotted
 * paths ({@code kafka.bootstrap.servers}); nested YAML maps are flattened to them, lists are kept
 * as structured values for the components that need them (probe targets).
 *
 * <p>An environment variable names a key by upper-casing it and replacing dots and dashes with
 * underscores ({@code FAULTLINE_KAFKA_BOOTSTRAP_SERVERS}). Because that mapping is lossy, a
 * variable applies to a key the defaults declare; any other {@code FAULTLINE_KAFKA_*},
 * {@code FAULTLINE_REGISTRY_*} or {@code FAULTLINE_STREAMS_*} variable is passed through as a
 * client property with its underscores read as dots ({@code FAULTLINE_KAFKA_SASL_MECHANISM} →
 * {@code kafka.sasl.mechanism}).
 */
public final class LayeredConfig {

  public static final String ENV_PREFIX = "FAULTLINE_";
  private static final List<String> PASSTHROUGH = List.of("kafka.", "registry.", "streams.");

  private final Map<String, Object> values;
  private final Map<String, String> origin;

  private LayeredConfig(Map<String, Object> values, Map<String, String> origin) {
    this.values = values;
    this.origin = origin;
  }

  /**
   * Loads the layers. {@code file} may be null; {@code env} is normally {@link System#getenv()};
   * {@code flags} are {@code key=value} overrides from the command line.
   */
  public static LayeredConfig load(Map<String, ?> defaults, Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, Object> values = new TreeMap<>();
    Map<String, String> origin = new TreeMap<>();
    defaults.forEach((k, v) -> {
      values.put(k, v);
      origin.put(k, "default");
    });
    if (file != null) {
      flatten("", readYaml(file), values, origin, file.toString());
    }
    Map<String, String> envNames = new LinkedHashMap<>();
    for (String key : values.keySet()) {
      envNames.put(envName(key), key);
    }
    env.forEach((name, v) -> {
      if (!name.startsWith(ENV_PREFIX) || name.equals("FAULTLINE_HOME") || name.equals("FAULTLINE_JAVA_OPTS")) {
        return;
      }
      String key = envNames.get(name);
      if (key == null) {
        String dotted = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (PASSTHROUGH.stream().anyMatch(dotted::startsWith)) {
          key = dotted;
        }
      }
      if (key != null) {
        values.put(key, v);
        origin.put(key, "environment " + name);
      }
    });
    flags.forEach((k, v) -> {
      values.put(k, v);
      origin.put(k, "flag --" + k);
    });
    return new LayeredConfig(values, origin);
  }

  /** The environment variable that sets {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file");
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map)) {
        throw new ConfigException(file + ": the top level must be a map of settings");
      }
      return (Map<String, Object>) doc;
    } catch (YAMLException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage().replace('\n', ' '), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> map, Map<String, Object> out, Map<String, String> origin, String source) {
    map.forEach((k, v) -> {
      String key = prefix + k;
      if (v instanceof Map<?, ?> m && !m.isEmpty()) {
        flatten(key + ".", (Map<String, Object>) m, out, origin, source);
      } else {
        out.put(key, v);
        origin.put(key, source);
      }
    });
  }

  public boolean has(String key) {
    return values.get(key) != null;
  }

  /** A raw value: a String, number, boolean, or a List for structured settings. */
  public Object raw(String key) {
    return values.get(key);
  }

  public String string(String key) {
    Object v = values.get(key);
    if (v == null) {
      throw new ConfigException("missing setting '" + key + "' (set it in the config file or " + envName(key) + ")");
    }
    if (v instanceof Map || v instanceof List) {
      throw new ConfigException(where(key) + ": '" + key + "' must be a single value");
    }
    return String.valueOf(v);
  }

  public String string(String key, String dflt) {
    return has(key) ? string(key) : dflt;
  }

  public int integer(String key) {
    return (int) number(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public long longValue(String key) {
    return number(key, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public long number(String key, long min, long max) {
    String s = string(key).trim();
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": '" + key + "' must be a whole number, got '" + s + "'");
    }
    if (v < min || v > max) {
      throw new ConfigException(where(key) + ": '" + key + "' must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  public double decimal(String key) {
    String s = string(key).trim();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(where(key) + ": '" + key + "' must be a number, got '" + s + "'");
    }
  }

  public boolean bool(String key) {
    String s = string(key).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new ConfigException(where(key) + ": '" + key + "' must be true or false, got '" + s + "'");
    };
  }

  /** All values whose key starts with {@code prefix}, with the prefix removed (client passthrough). */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix) && v != null && !(v instanceof Map) && !(v instanceof List)) {
        out.put(k.substring(prefix.length()), String.valueOf(v));
      }
    });
    return out;
  }

  /** Where a key's value came from: {@code default}, the file, an environment variable or a flag. */
  public String where(String key) {
    return origin.getOrDefault(key, "default");
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }
}

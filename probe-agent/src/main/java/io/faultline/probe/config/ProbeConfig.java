package io.faultline.probe.config;

import io.faultline.probe.check.AppCheck;
import io.faultline.probe.check.Endpoint;
import io.faultline.probe.check.PoolCheck;
import io.faultline.probe.check.ServiceCheck;
import io.faultline.schemas.config.ConfigException;
import io.faultline.schemas.config.LayeredConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The probe agent's configuration, read through {@link LayeredConfig} (defaults, YAML file,
 * {@code FAULTLINE_*} environment, flags) and validated as a whole at start: the first problem
 * raises a {@link ConfigException} whose one-line message names the source, the setting and why.
 * Every setting is documented in {@code probe-agent/README.md} and {@code config/probe-sample.yaml}.
 */
public record ProbeConfig(
    String host,
    String probeId,
    Path procRoot,
    Path sysRoot,
    int threads,
    Map<String, String> kafka,
    String registryUrl,
    Map<String, String> registryProperties,
    Path spoolDir,
    long spoolMaxBytes,
    long spoolSegmentBytes,
    OverflowPolicy overflow,
    HostProbeSpec disk,
    HostProbeSpec memory,
    HostProbeSpec network,
    DnsSpec dns,
    List<AppSpec> apps,
    List<PoolCheck.Spec> pools,
    List<ServiceCheck.Spec> services) {

  /** What to do when the spool is full: drop its oldest records, or refuse the newest. */
  public enum OverflowPolicy { DROP_OLDEST, DROP_NEWEST }

  public record HostProbeSpec(boolean enabled, long intervalMs, Pattern exclude) {}

  public record DnsSpec(long intervalMs, long timeoutMs, String type, List<String> resolvers, List<String> names) {}

  /** An application check plus what the agent knows for sure about the application's dependencies. */
  public record AppSpec(AppCheck.Spec check, List<String> dnsNames, String pool) {}

  /** Built-in defaults; every key here can also be set by its {@code FAULTLINE_*} variable. */
  public static Map<String, Object> defaults() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("agent.host", "");
    d.put("agent.id", "");
    d.put("agent.procRoot", "/proc");
    d.put("agent.sysRoot", "/sys");
    d.put("agent.intervalMs", 10_000);
    d.put("agent.timeoutMs", 5_000);
    d.put("agent.threads", 2);
    d.put("kafka.bootstrap.servers", "localhost:9092");
    d.put("registry.url", "http://localhost:8081/apis/ccompat/v7");
    d.put("spool.dir", "");
    d.put("spool.maxBytes", 64L * 1024 * 1024);
    d.put("spool.segmentBytes", 4L * 1024 * 1024);
    d.put("spool.overflow", "drop-oldest");
    d.put("probes.disk.enabled", true);
    d.put("probes.disk.intervalMs", "");
    d.put("probes.disk.exclude", "(loop|ram|zram|sr|fd)\\d*");
    d.put("probes.memory.enabled", true);
    d.put("probes.memory.intervalMs", "");
    d.put("probes.network.enabled", true);
    d.put("probes.network.intervalMs", "");
    d.put("probes.network.exclude", "lo");
    d.put("probes.dns.intervalMs", "");
    d.put("probes.dns.timeoutMs", 2_000);
    d.put("probes.dns.type", "A");
    return d;
  }

  private static final Set<String> STRUCTURED = Set.of(
      "probes.dns.resolvers", "probes.dns.names", "probes.apps", "probes.pools", "probes.services");

  /** Loads and validates; {@code file} may be null (defaults and environment only). */
  public static ProbeConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    return from(LayeredConfig.load(defaults(), file, env, flags));
  }

  public static ProbeConfig from(LayeredConfig c) {
    Map<String, Object> known = defaults();
    for (String key : c.asMap().keySet()) {
      boolean passthrough = key.startsWith("kafka.") || key.startsWith("registry.");
      if (!known.containsKey(key) && !STRUCTURED.contains(key) && !passthrough) {
        throw new ConfigException(c.where(key) + ": unknown setting '" + key + "'");
      }
    }
    String host = c.string("agent.host").isBlank() ? localHostName(c) : c.string("agent.host").trim();
    checkName(c, "agent.host", host);
    String id = c.string("agent.id").isBlank() ? "probe@" + host : c.string("agent.id").trim();
    long interval = c.number("agent.intervalMs", 100, 86_400_000);
    long timeout = c.number("agent.timeoutMs", 10, 600_000);
    int threads = (int) c.number("agent.threads", 1, 64);

    Map<String, String> kafka = c.withPrefix("kafka.");
    if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
      throw new ConfigException(c.where("kafka.bootstrap.servers") + ": 'kafka.bootstrap.servers' must not be empty");
    }
    String registry = c.string("registry.url").trim();
    try {
      URI u = URI.create(registry);
      if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.where("registry.url") + ": 'registry.url' must be an http(s) URL, got '" + registry + "'");
    }
    String dir = c.string("spool.dir").trim();
    Path spoolDir = dir.isEmpty() ? defaultSpoolDir() : Path.of(dir);
    long maxBytes = c.number("spool.maxBytes", 1024 * 1024, Long.MAX_VALUE);
    long segBytes = c.number("spool.segmentBytes", 64 * 1024, Long.MAX_VALUE);
    if (segBytes * 2 > maxBytes) {
      throw new ConfigException(c.where("spool.segmentBytes") + ": 'spool.segmentBytes' must be at most half of spool.maxBytes ("
          + maxBytes + "), got " + segBytes);
    }
    OverflowPolicy overflow = switch (c.string("spool.overflow").trim().toLowerCase(Locale.ROOT)) {
      case "drop-oldest" -> OverflowPolicy.DROP_OLDEST;
      case "drop-newest" -> OverflowPolicy.DROP_NEWEST;
      default -> throw new ConfigException(c.where("spool.overflow") + ": 'spool.overflow' must be drop-oldest or drop-newest, got '"
          + c.string("spool.overflow") + "'");
    };

    HostProbeSpec disk = hostProbe(c, "disk", interval, true);
    HostProbeSpec memory = hostProbe(c, "memory", interval, false);
    HostProbeSpec network = hostProbe(c, "network", interval, true);
    DnsSpec dns = dns(c, interval);
    List<AppSpec> apps = new ArrayList<>();
    for (Item item : items(c, "probes.apps")) {
      apps.add(app(item, interval, timeout));
    }
    List<PoolCheck.Spec> pools = new ArrayList<>();
    for (Item item : items(c, "probes.pools")) {
      pools.add(pool(item, interval, timeout));
    }
    List<ServiceCheck.Spec> services = new ArrayList<>();
    for (Item item : items(c, "probes.services")) {
      services.add(service(item, interval, timeout));
    }
    return new ProbeConfig(host, id, Path.of(c.string("agent.procRoot")), Path.of(c.string("agent.sysRoot")), threads,
        kafka, registry, registryProps(c), spoolDir, maxBytes, segBytes, overflow, disk, memory, network, dns,
        List.copyOf(apps), List.copyOf(pools), List.copyOf(services));
  }

  /** Samples of every kind this configuration takes per interval (for logs and the bench). */
  public int checkCount() {
    int n = (disk.enabled() ? 1 : 0) + (memory.enabled() ? 1 : 0) + (network.enabled() ? 1 : 0);
    n += dns.names().size() * dns.resolvers().size();
    n += apps.size() + services.size();
    for (PoolCheck.Spec p : pools) {
      n += p.members().size();
    }
    return n;
  }

  /** The registry client's settings as Confluent keys ({@code schema.registry.url} ...), url included. */
  private static Map<String, String> registryProps(LayeredConfig c) {
    return Map.copyOf(io.faultline.schemas.registry.SchemaRegistries.confluentKeys(c));
  }

  private static Path defaultSpoolDir() {
    String home = System.getenv("FAULTLINE_HOME");
    return Path.of(home == null || home.isBlank() ? ".faultline" : home, "probe-spool");
  }

  private static String localHostName(LayeredConfig c) {
    try {
      String h = Files.readString(Path.of(c.string("agent.procRoot"), "sys/kernel/hostname")).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException e) {
      // fall back to the JDK
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new ConfigException("agent.host: cannot determine this host's name (" + e.getMessage() + "); set agent.host");
    }
  }

  private static void checkName(LayeredConfig c, String key, String v) {
    if (v.isEmpty() || v.contains("/") || v.contains(" ")) {
      throw new ConfigException(c.where(key) + ": '" + key + "' must be a name without '/' or spaces, got '" + v + "'");
    }
  }

  private static HostProbeSpec hostProbe(LayeredConfig c, String kind, long dfltInterval, boolean hasExclude) {
    String p = "probes." + kind + ".";
    if (c.raw("probes." + kind) != null) {
      throw new ConfigException(c.where("probes." + kind) + ": 'probes." + kind + "' must be a map (enabled, intervalMs"
          + (hasExclude ? ", exclude" : "") + ")");
    }
    boolean enabled = c.bool(p + "enabled");
    long interval = c.string(p + "intervalMs").isBlank() ? dfltInterval : c.number(p + "intervalMs", 100, 86_400_000);
    Pattern exclude = null;
    if (hasExclude) {
      try {
        exclude = Pattern.compile(c.string(p + "exclude"));
      } catch (PatternSyntaxException e) {
        throw new ConfigException(c.where(p + "exclude") + ": '" + p + "exclude' is not a valid regular expression: "
            + e.getDescription());
      }
    }
    return new HostProbeSpec(enabled, interval, exclude);
  }

  private static DnsSpec dns(LayeredConfig c, long dfltInterval) {
    long interval = c.string("probes.dns.intervalMs").isBlank() ? dfltInterval : c.number("probes.dns.intervalMs", 100, 86_400_000);
    long timeout = c.number("probes.dns.timeoutMs", 10, 60_000);
    if (c.where("probes.dns.timeoutMs").equals("default")) {
      timeout = Math.min(timeout, interval / 2); // a short interval brings the default timeout down with it
    }
    if (timeout >= interval) {
      throw new ConfigException(c.where("probes.dns.timeoutMs") + ": 'probes.dns.timeoutMs' (" + timeout
          + ") must be shorter than the DNS interval (" + interval + ")");
    }
    String type = c.string("probes.dns.type").trim().toUpperCase(Locale.ROOT);
    if (org.xbill.DNS.Type.value(type) < 0) {
      throw new ConfigException(c.where("probes.dns.type") + ": 'probes.dns.type' is not a DNS record type: '" + type + "'");
    }
    List<String> resolvers = strings(c, "probes.dns.resolvers");
    List<String> names = strings(c, "probes.dns.names");
    if (resolvers.isEmpty() != names.isEmpty()) {
      String missing = resolvers.isEmpty() ? "probes.dns.resolvers" : "probes.dns.names";
      throw new ConfigException(c.where(resolvers.isEmpty() ? "probes.dns.names" : "probes.dns.resolvers")
          + ": '" + missing + "' is empty: DNS checks need both names and resolvers");
    }
    for (int i = 0; i < resolvers.size(); i++) {
      try {
        io.faultline.probe.check.DnsCheck.socketAddress(resolvers.get(i));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(c.where("probes.dns.resolvers") + ": probes.dns.resolvers[" + i + "]: " + e.getMessage());
      }
    }
    for (int i = 0; i < names.size(); i++) {
      try {
        org.xbill.DNS.Name.fromString(names.get(i), org.xbill.DNS.Name.root);
      } catch (org.xbill.DNS.TextParseException e) {
        throw new ConfigException(c.where("probes.dns.names") + ": probes.dns.names[" + i + "]: '" + names.get(i)
            + "' is not a valid DNS name");
      }
    }
    return new DnsSpec(interval, timeout, type, resolvers, names);
  }

  private static List<String> strings(LayeredConfig c, String key) {
    Object v = c.raw(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) { // from the environment: comma separated
      return s.isBlank() ? List.of() : List.of(s.trim().split("\\s*,\\s*"));
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(c.where(key) + ": '" + key + "' must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object o = list.get(i);
      if (!(o instanceof String || o instanceof Number) || String.valueOf(o).isBlank()) {
        throw new ConfigException(c.where(key) + ": " + key + "[" + i + "] must be a non-empty string, got " + o);
      }
      out.add(String.valueOf(o).trim());
    }
    return out;
  }

  private static List<Item> items(LayeredConfig c, String key) {
    Object v = c.raw(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(c.where(key) + ": '" + key + "' must be a list of maps");
    }
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(Item.of(c.where(key), key + "[" + i + "]", list.get(i)));
    }
    return out;
  }

  private static AppSpec app(Item item, long dfltInterval, long dfltTimeout) {
    item.allow("name", "entity", "intervalMs", "timeoutMs", "url", "method", "body", "headers", "expectStatus",
        "expectBody", "maxLatencyMs", "steps", "dns", "pool");
    String name = item.text("name");
    String entity = item.textOr("entity", "app:" + name);
    item.entityId("entity", entity, "app:", "svc:");
    long interval = item.number("intervalMs", dfltInterval, 100, 86_400_000);
    int stepCount = item.has("steps") && item.map().get("steps") instanceof List<?> l ? Math.max(1, l.size()) : 1;
    // by default the steps share the interval, so a hanging transaction ends before its next turn
    long timeout = item.number("timeoutMs", Math.max(10, Math.min(dfltTimeout, (interval - 1) / stepCount)), 10, 600_000);
    List<AppCheck.Step> steps = new ArrayList<>();
    if (item.has("steps")) {
      if (item.has("url")) {
        item.fail("url", "give either 'url' (one request) or 'steps' (a transaction), not both");
      }
      List<Item> stepItems = item.list("steps");
      if (stepItems.isEmpty()) {
        item.fail("steps", "a transaction needs at least one step");
      }
      for (Item s : stepItems) {
        s.allow("name", "url", "method", "body", "headers", "expectStatus", "expectBody", "maxLatencyMs", "timeoutMs");
        steps.add(step(s, s.text("name"), timeout));
      }
    } else {
      steps.add(step(item, name, timeout));
    }
    long total = steps.stream().mapToLong(AppCheck.Step::timeoutMs).sum();
    if (total >= interval) {
      item.fail("timeoutMs", "the step timeouts add up to " + total + " ms, which must be shorter than intervalMs (" + interval + ")");
    }
    List<String> dnsNames = item.strings("dns");
    String pool = item.textOr("pool", null);
    if (pool != null) {
      item.entityId("pool", pool, "pool:");
    }
    return new AppSpec(new AppCheck.Spec(name, entity, interval, List.copyOf(steps)), dnsNames, pool);
  }

  private static AppCheck.Step step(Item s, String name, long dfltTimeout) {
    URI url = s.url("url");
    String method = s.textOr("method", "GET").toUpperCase(Locale.ROOT);
    if (!method.matches("[A-Z]+")) {
      s.fail("method", "not an HTTP method: '" + method + "'");
    }
    int status = (int) s.number("expectStatus", 200, 100, 599);
    long maxLatency = s.number("maxLatencyMs", 0, 0, 600_000);
    long timeout = s.number("timeoutMs", dfltTimeout, 10, 600_000);
    return new AppCheck.Step(name, method, url, s.textOr("body", null), s.stringMap("headers"), status,
        s.textOr("expectBody", null), maxLatency, timeout);
  }

  private static PoolCheck.Spec pool(Item item, long dfltInterval, long dfltTimeout) {
    item.allow("name", "intervalMs", "timeoutMs", "expectStatus", "members");
    String name = item.text("name");
    String id = name.startsWith("pool:") ? name : "pool:" + name;
    long interval = item.number("intervalMs", dfltInterval, 100, 86_400_000);
    long timeout = item.number("timeoutMs", Math.min(dfltTimeout, interval - 1), 10, 600_000);
    if (timeout >= interval) {
      item.fail("timeoutMs", "must be shorter than intervalMs (" + interval + ")");
    }
    int status = (int) item.number("expectStatus", 200, 100, 599);
    List<PoolCheck.Member> members = new ArrayList<>();
    for (Item m : item.list("members")) {
      m.allow("id", "url", "tcp");
      String mid = m.text("id");
      m.entityId("id", mid);
      members.add(new PoolCheck.Member(mid, m.endpoint()));
    }
    if (members.isEmpty()) {
      item.fail("members", "a pool needs at least one member");
    }
    return new PoolCheck.Spec(id, interval, timeout, status, List.copyOf(members));
  }

  private static ServiceCheck.Spec service(Item item, long dfltInterval, long dfltTimeout) {
    item.allow("name", "intervalMs", "timeoutMs", "degradedMs", "expectStatus", "url", "tcp");
    String name = item.text("name");
    String id = name.startsWith("svc:") ? name : "svc:" + name;
    long interval = item.number("intervalMs", dfltInterval, 100, 86_400_000);
    long timeout = item.number("timeoutMs", Math.min(dfltTimeout, interval - 1), 10, 600_000);
    if (timeout >= interval) {
      item.fail("timeoutMs", "must be shorter than intervalMs (" + interval + ")");
    }
    long degraded = item.number("degradedMs", Math.min(1000, timeout / 2), 0, 600_000);
    if (degraded >= timeout) {
      item.fail("degradedMs", "must be shorter than timeoutMs (" + timeout + ")");
    }
    int status = (int) item.number("expectStatus", 200, 100, 599);
    return new ServiceCheck.Spec(id, item.endpoint(), interval, timeout, degraded, status);
  }

  /** One map of a structured list, with its path ({@code probes.apps[2].steps[0]}) for error messages. */
  private record Item(String source, String path, Map<String, Object> map) {

    @SuppressWarnings("unchecked")
    static Item of(String source, String path, Object v) {
      if (!(v instanceof Map<?, ?> m)) {
        throw new ConfigException(source + ": " + path + " must be a map of settings, got " + v);
      }
      return new Item(source, path, (Map<String, Object>) m);
    }

    void fail(String field, String reason) {
      throw new ConfigException(source + ": " + path + "." + field + ": " + reason);
    }

    void allow(String... fields) {
      Set<String> ok = Set.of(fields);
      for (String k : map.keySet()) {
        if (!ok.contains(k)) {
          throw new ConfigException(source + ": " + path + ": unknown setting '" + k + "' (allowed: " + String.join(", ", fields) + ")");
        }
      }
    }

    boolean has(String field) {
      return map.get(field) != null;
    }

    String text(String field) {
      Object v = map.get(field);
      if (v == null) {
        fail(field, "missing");
      }
      if (v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
        fail(field, "must be a non-empty string, got " + v);
      }
      return String.valueOf(v).trim();
    }

    String textOr(String field, String dflt) {
      return has(field) ? text(field) : dflt;
    }

    long number(String field, long dflt, long min, long max) {
      if (!has(field)) {
        return dflt;
      }
      Object v = map.get(field);
      long n;
      try {
        n = Long.parseLong(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        fail(field, "must be a whole number, got '" + v + "'");
        return 0;
      }
      if (n < min || n > max) {
        fail(field, "must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    }

    URI url(String field) {
      String s = text(field);
      try {
        URI u = new URI(s);
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
          fail(field, "must be an http:// or https:// URL with a host, got '" + s + "'");
        }
        return u;
      } catch (java.net.URISyntaxException e) {
        fail(field, "is not a valid URL: " + e.getMessage());
        return null;
      }
    }

    Endpoint endpoint() {
      if (has("url") == has("tcp")) {
        fail("url", "give exactly one of 'url' (HTTP health URL) or 'tcp' (host:port)");
      }
      if (has("url")) {
        return new Endpoint.Http(url("url"));
      }
      try {
        Endpoint e = Endpoint.parse(text("tcp"));
        if (!(e instanceof Endpoint.Tcp)) {
          fail("tcp", "must be host:port");
        }
        return e;
      } catch (IllegalArgumentException e) {
        fail("tcp", e.getMessage());
        return null;
      }
    }

    void entityId(String field, String id, String... prefixes) {
      int colon = id.indexOf(':');
      if (colon <= 0 || colon == id.length() - 1) {
        fail(field, "'" + id + "' is not an entity id (kind-prefix:name)");
      }
      if (prefixes.length > 0 && java.util.Arrays.stream(prefixes).noneMatch(id::startsWith)) {
        fail(field, "'" + id + "' must start with " + String.join(" or ", prefixes));
      }
    }

    List<String> strings(String field) {
      Object v = map.get(field);
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof List<?> list)) {
        fail(field, "must be a list of strings");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s) || s.isBlank()) {
          fail(field, "must be a list of non-empty strings, got " + o);
          return List.of();
        }
        out.add(s.trim());
      }
      return List.copyOf(out);
    }

    Map<String, String> stringMap(String field) {
      Object v = map.get(field);
      if (v == null) {
        return Map.of();
      }
      if (!(v instanceof Map<?, ?> m)) {
        fail(field, "must be a map of strings");
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
      return out;
    }

    List<Item> list(String field) {
      Object v = map.get(field);
      if (v == null) {
        fail(field, "missing");
      }
      if (!(v instanceof List<?> list)) {
        fail(field, "must be a list of maps");
        return List.of();
      }
      List<Item> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(Item.of(source, path + "." + field + "[" + i + "]", list.get(i)));
      }
      return out;
    }
  }
}

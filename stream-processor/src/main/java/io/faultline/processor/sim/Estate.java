package io.faultline.processor.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A generated estate: entities and the dependencies between them, shaped like a virtualised data
 * centre. Sites of up to {@value #HOSTS_PER_SITE} hosts each have two DNS resolvers, top-of-rack
 * switches (one per {@value #HOSTS_PER_RACK} hosts, each host with one NIC on its rack's switch),
 * disk arrays carved into datastores, and VMs on hosts and datastores. Applications run on pools of
 * VMs (mostly redundant: any-of with {@code minHealthy}) or on single VMs, call each other through
 * DNS names in tiers (front → mid → back, so the graph is acyclic), and some use shared critical
 * services. The estate lives in memory (it is small next to the telemetry it produces).
 */
final class Estate {
  static final int HOSTS_PER_SITE = 300;
  static final int HOSTS_PER_RACK = 16;
  static final int HOSTS_PER_ARRAY = 24;
  static final int DATASTORES_PER_ARRAY = 3;
  static final int VMS_PER_HOST = 3;
  /** Entities per host across all layers; the estate has about {@code target / ENTITIES_PER_HOST} hosts. */
  static final double ENTITIES_PER_HOST = 8.6;

  private static final String[] APP_WORDS = {
      "storefront", "checkout", "payments", "search", "accounts", "catalog", "inventory", "shipping", "pricing",
      "reviews", "orders", "billing", "ledger", "notifications", "recommendations", "cart", "profile", "media",
      "reporting", "analytics", "gateway", "booking", "loyalty", "fraud", "tax", "invoicing", "returns", "support",
      "crm", "warehouse", "quotes", "claims", "documents", "scheduler", "portal"};
  private static final String[] SERVICE_WORDS = {"ldap", "kafka", "redis", "postgres", "vault", "rabbitmq", "elastic"};
  private static final String[] SHARED_NAME_WORDS = {"db", "cache", "queue", "objects", "smtp", "registry"};
  private static final String[] CHECKS = {"synthetic", "login", "purchase", "search", "health", "submit"};
  private static final String[] TEAMS = {"web", "commerce", "platform", "data", "identity", "finance"};

  static final class Node {
    final int index;
    final String id;
    final String kind;
    final Map<String, String> labels;
    int minHealthy = -1;
    final IntList deps = new IntList();
    final IntList dependents = new IntList();
    /** For applications and services: the check their synthetic probe runs. */
    String check;

    Node(int index, String id, String kind, Map<String, String> labels) {
      this.index = index;
      this.id = id;
      this.kind = kind;
      this.labels = labels;
    }

    boolean is(String k) {
      return kind.equals(k);
    }

    @Override
    public String toString() {
      return id;
    }
  }

  final List<Node> nodes = new ArrayList<>();
  private final Map<String, Node> byId = new LinkedHashMap<>();

  Node node(String id) {
    return byId.get(id);
  }

  int size() {
    return nodes.size();
  }

  int edgeCount() {
    int n = 0;
    for (Node x : nodes) {
      n += x.deps.size();
    }
    return n;
  }

  List<Node> ofKind(String kind) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.is(kind)) {
        out.add(n);
      }
    }
    return out;
  }

  List<Node> depsOfKind(Node n, String kind) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n.deps.size(); i++) {
      Node d = nodes.get(n.deps.get(i));
      if (d.is(kind)) {
        out.add(d);
      }
    }
    return out;
  }

  List<Node> dependentsOfKind(Node n, String kind) {
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n.dependents.size(); i++) {
      Node d = nodes.get(n.dependents.get(i));
      if (d.is(kind)) {
        out.add(d);
      }
    }
    return out;
  }

  private Node add(String id, String kind, Map<String, String> labels) {
    if (byId.containsKey(id)) {
      throw new IllegalStateException("duplicate entity " + id);
    }
    Node n = new Node(nodes.size(), id, kind, labels);
    nodes.add(n);
    byId.put(id, n);
    return n;
  }

  private static void depend(Node from, Node to) {
    if (!from.deps.contains(to.index)) {
      from.deps.add(to.index);
      to.dependents.add(from.index);
    }
  }

  /**
   * Generates an estate of about {@code target} entities (within 3% from a few hundred on; small
   * estates have a floor of about 35: two of everything redundant).
   */
  static Estate generate(int target, long seed) {
    int hosts = Math.max(3, (int) Math.round(target / ENTITIES_PER_HOST));
    Estate e = generate(target, hosts, new SplittableRandom(seed));
    // The layers do not scale exactly linearly (floors, rounding); one correction gets close.
    if (Math.abs(e.size() - target) > target * 0.03 && hosts > 3) {
      int corrected = Math.max(3, (int) Math.round(hosts * (double) target / e.size()));
      if (corrected != hosts) {
        e = generate(target, corrected, new SplittableRandom(seed));
      }
    }
    return e;
  }

  private static Estate generate(int target, int hosts, SplittableRandom rnd) {
    Estate e = new Estate();
    int sites = (hosts + HOSTS_PER_SITE - 1) / HOSTS_PER_SITE;
    int width = Math.max(2, String.valueOf(hosts).length());
    int vmWidth = Math.max(2, String.valueOf(hosts * VMS_PER_HOST).length());
    int appsTotal = Math.max(4, (int) Math.round(hosts * 0.9));
    int servicesTotal = Math.max(1, (int) Math.round(hosts * 0.08));
    int sharedNamesTotal = Math.max(1, (int) Math.round(hosts * 0.08));
    int vmCounter = 0;
    int appCounter = 0;
    int serviceCounter = 0;
    int sharedNameCounter = 0;
    int hostCounter = 0;

    for (int s = 0; s < sites; s++) {
      String site = sites == 1 ? "dc1" : "dc" + (s + 1);
      String sitePrefix = sites == 1 ? "" : site + "-";
      int siteHosts = s == sites - 1 ? hosts - HOSTS_PER_SITE * s : HOSTS_PER_SITE;
      double share = (double) siteHosts / hosts;
      Map<String, String> siteLabel = labels("site", site);

      List<Node> resolvers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        resolvers.add(e.add("dns-resolver:10." + s + "." + r + ".53", "dns-resolver", siteLabel));
      }
      int racks = Math.max(2, (siteHosts + HOSTS_PER_RACK - 1) / HOSTS_PER_RACK);
      List<Node> switches = new ArrayList<>();
      for (int r = 0; r < racks; r++) {
        switches.add(e.add("switch:" + sitePrefix + "tor-" + pad(r + 1, 2), "switch", siteLabel));
      }
      // Hosts by rack so that pools can spread their members over racks (anti-affinity).
      List<List<Node>> hostsByRack = new ArrayList<>();
      for (int r = 0; r < racks; r++) {
        hostsByRack.add(new ArrayList<>());
      }
      List<Node> siteHostList = new ArrayList<>();
      for (int h = 0; h < siteHosts; h++) {
        String name = sitePrefix + "esx-" + pad(++hostCounter, width);
        Node host = e.add("host:" + name, "host", siteLabel);
        Node nic = e.add("nic:" + name + "/vmnic0", "nic", null);
        int rack = h % racks;
        depend(host, nic);
        depend(nic, switches.get(rack));
        hostsByRack.get(rack).add(host);
        siteHostList.add(host);
      }
      int arrays = Math.max(2, (siteHosts + HOSTS_PER_ARRAY - 1) / HOSTS_PER_ARRAY);
      List<Node> datastores = new ArrayList<>();
      for (int a = 0; a < arrays; a++) {
        Node array = e.add("disk-array:" + sitePrefix + "san-" + pad(a + 1, 2), "disk-array", siteLabel);
        int perArray = siteHosts < 6 ? 2 : DATASTORES_PER_ARRAY;
        for (int d = 0; d < perArray; d++) {
          Node ds = e.add("datastore:" + sitePrefix + "ds-" + pad(a + 1, 2) + "-" + (d + 1), "datastore", null);
          depend(ds, array);
          datastores.add(ds);
        }
      }
      int siteApps = s == sites - 1 ? appsTotal - appCounter : (int) Math.round(appsTotal * share);
      int siteServices = s == sites - 1 ? servicesTotal - serviceCounter
          : Math.max(1, (int) Math.round(servicesTotal * share));
      int siteShared = s == sites - 1 ? Math.max(1, sharedNamesTotal - sharedNameCounter)
          : Math.max(1, (int) Math.round(sharedNamesTotal * share));
      int siteVms = siteHosts * VMS_PER_HOST;

      // DNS names of shared back ends (databases, caches, ... outside the model) that back-end apps use.
      List<Node> sharedNames = new ArrayList<>();
      int resolverTurn = 0;
      for (int i = 0; i < siteShared; i++) {
        String word = SHARED_NAME_WORDS[sharedNameCounter % SHARED_NAME_WORDS.length];
        int round = sharedNameCounter / SHARED_NAME_WORDS.length;
        sharedNameCounter++;
        Node name = e.add("dns-name:" + word + (round == 0 ? "" : "-" + (round + 1)) + "." + site + ".internal",
            "dns-name", null);
        depend(name, resolvers.get(resolverTurn++ % resolvers.size()));
        sharedNames.add(name);
      }

      // VMs: created lazily as applications ask for them; the rest stay as infrastructure VMs.
      VmFactory vms = new VmFactory(e, rnd, hostsByRack, siteHostList, datastores, vmWidth, vmCounter);

      List<Node> services = new ArrayList<>();
      for (int i = 0; i < siteServices; i++) {
        String word = SERVICE_WORDS[serviceCounter % SERVICE_WORDS.length];
        int round = serviceCounter / SERVICE_WORDS.length;
        serviceCounter++;
        String name = word + (round == 0 ? "" : "-" + (round + 1));
        Node svc = e.add("svc:" + name, "service", labels("site", site, "team", "platform", "tier", "service"));
        svc.check = "health";
        Node pool = e.add("pool:" + name, "pool", labels("site", site));
        int size = 3;
        pool.minHealthy = 2;
        for (int m = 0; m < size; m++) {
          depend(pool, vms.next(m));
        }
        depend(svc, pool);
        Node dns = e.add("dns-name:" + name + "." + site + ".internal", "dns-name", null);
        depend(dns, resolvers.get(resolverTurn++ % resolvers.size()));
        services.add(svc);
        e.serviceName.put(svc.index, dns);
      }

      // Applications by tier: back ends first, so every call goes to an app created before (acyclic).
      List<Node> back = new ArrayList<>();
      List<Node> mid = new ArrayList<>();
      for (int i = 0; i < siteApps; i++) {
        String word = APP_WORDS[appCounter % APP_WORDS.length];
        int round = appCounter / APP_WORDS.length;
        appCounter++;
        String name = word + (round == 0 ? "" : "-" + (round + 1));
        double pos = (double) i / siteApps;
        String tier = pos < 0.4 || i < 2 ? "back" : pos < 0.75 ? "mid" : "front";
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("site", site);
        labels.put("team", TEAMS[(appCounter - 1) % TEAMS.length]);
        labels.put("tier", tier);
        Node app = e.add("app:" + name, "application", labels);
        app.check = i < CHECKS.length ? CHECKS[rnd.nextInt(CHECKS.length)] : "synthetic";
        // Compute: a pool (mostly redundant) or a single VM.
        if (rnd.nextDouble() < 0.55) {
          Node pool = e.add("pool:" + name, "pool", labels("site", site));
          int size = 2 + rnd.nextInt(3);
          boolean redundant = rnd.nextDouble() < 0.7;
          pool.minHealthy = redundant ? Math.max(1, size - 1) : size;
          for (int m = 0; m < size; m++) {
            depend(pool, vms.next(m));
          }
          depend(app, pool);
        } else {
          depend(app, vms.next(rnd.nextInt(1000)));
        }
        if (tier.equals("back")) {
          if (rnd.nextDouble() < 0.7) {
            depend(app, sharedNames.get(rnd.nextInt(sharedNames.size())));
          }
        } else {
          List<Node> callees = tier.equals("mid") ? back : (mid.isEmpty() ? back : mid);
          int calls = 1 + (rnd.nextDouble() < 0.4 ? 1 : 0);
          for (int c = 0; c < calls && !callees.isEmpty(); c++) {
            Node callee = callees.get(rnd.nextInt(callees.size()));
            depend(app, callee);
            depend(app, e.endpointName(callee, resolvers, rnd));
          }
          if (tier.equals("front") && !back.isEmpty() && rnd.nextDouble() < 0.3) {
            Node callee = back.get(rnd.nextInt(back.size()));
            depend(app, callee);
            depend(app, e.endpointName(callee, resolvers, rnd));
          }
        }
        if (!services.isEmpty() && rnd.nextDouble() < 0.3) {
          Node svc = services.get(rnd.nextInt(services.size()));
          depend(app, svc);
          depend(app, e.serviceName.get(svc.index));
        }
        if (tier.equals("back")) {
          back.add(app);
        } else if (tier.equals("mid")) {
          mid.add(app);
        }
      }
      while (vms.created() < siteVms) {
        vms.next(rnd.nextInt(1000));
      }
      vmCounter = vms.counter();
    }
    return e;
  }

  /** The DNS name callers use to reach an application, created on first use. */
  private final Map<Integer, Node> endpointNames = new LinkedHashMap<>();
  private final Map<Integer, Node> serviceName = new LinkedHashMap<>();

  private Node endpointName(Node app, List<Node> resolvers, SplittableRandom rnd) {
    return endpointNames.computeIfAbsent(app.index, k -> {
      String site = app.labels.getOrDefault("site", "dc1");
      Node dns = add("dns-name:" + app.id.substring(app.id.indexOf(':') + 1) + "." + site + ".internal",
          "dns-name", null);
      depend(dns, resolvers.get(rnd.nextInt(resolvers.size())));
      return dns;
    });
  }

  /** Labels in a fixed order (Map.of iterates in an order that changes between JVM runs). */
  private static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  private static String pad(int v, int width) {
    String s = Integer.toString(v);
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }

  /** Places VMs on hosts and datastores; pool members go to different racks. */
  private static final class VmFactory {
    final Estate e;
    final SplittableRandom rnd;
    final List<List<Node>> hostsByRack;
    final List<Node> hosts;
    final List<Node> datastores;
    final int width;
    int counter;
    int created;
    int rackTurn;

    VmFactory(Estate e, SplittableRandom rnd, List<List<Node>> hostsByRack, List<Node> hosts, List<Node> datastores,
              int width, int counter) {
      this.e = e;
      this.rnd = rnd;
      this.hostsByRack = hostsByRack;
      this.hosts = hosts;
      this.datastores = datastores;
      this.width = width;
      this.counter = counter;
    }

    /** A new VM; {@code memberIndex} spreads the members of one pool over racks. */
    Node next(int memberIndex) {
      List<Node> rack = hostsByRack.get((rackTurn + memberIndex) % hostsByRack.size());
      if (memberIndex == 0) {
        rackTurn++;
      }
      Node host = rack.isEmpty() ? hosts.get(rnd.nextInt(hosts.size())) : rack.get(rnd.nextInt(rack.size()));
      Node vm = e.add("vm:vm-" + pad(++counter, width), "vm", null);
      depend(vm, host);
      depend(vm, datastores.get(rnd.nextInt(datastores.size())));
      created++;
      return vm;
    }

    int created() {
      return created;
    }

    int counter() {
      return counter;
    }
  }

  /** A growable list of ints (dependency lists of 100k-entity estates without boxing). */
  static final class IntList {
    private int[] a = new int[2];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    boolean contains(int v) {
      for (int i = 0; i < n; i++) {
        if (a[i] == v) {
          return true;
        }
      }
      return false;
    }
  }

  static List<String> ids(List<Node> nodes) {
    List<String> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      out.add(n.id);
    }
    return Collections.unmodifiableList(out);
  }
}

package io.faultline.processor.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One Prometheus text scrape, read enough to add up samples by name and label. */
record PromScrape(List<Sample> samples) {

  /** One line: {@code name{k="v",...} value}. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static PromScrape parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int close = line.lastIndexOf('}');
        labels(line.substring(brace + 1, close), labels);
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      try {
        out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
      } catch (NumberFormatException e) {
        // a value we do not read (timestamps after the value are not used by Micrometer)
      }
    }
    return new PromScrape(out);
  }

  private static void labels(String s, Map<String, String> into) {
    int i = 0;
    while (i < s.length()) {
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        return;
      }
      String key = s.substring(i, eq).trim();
      int q = s.indexOf('"', eq);
      StringBuilder v = new StringBuilder();
      int j = q + 1;
      for (; j < s.length() && s.charAt(j) != '"'; j++) {
        if (s.charAt(j) == '\\' && j + 1 < s.length()) {
          j++;
        }
        v.append(s.charAt(j));
      }
      into.put(key, v.toString());
      i = s.indexOf(',', j);
      if (i < 0) {
        return;
      }
      i++;
    }
  }

  /** Sum of the samples named {@code name} whose labels include every {@code key, value} pair given; NaN if none. */
  double sum(String name, String... labelPairs) {
    double total = 0;
    boolean any = false;
    for (Sample s : samples) {
      if (!s.name().equals(name) || !matches(s, labelPairs) || Double.isNaN(s.value())) {
        continue;
      }
      total += s.value();
      any = true;
    }
    return any ? total : Double.NaN;
  }

  /** Sums of {@code name} by the value of label {@code by}, sorted by that value. */
  Map<String, Double> sumBy(String name, String by) {
    Map<String, Double> out = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().containsKey(by) && !Double.isNaN(s.value())) {
        out.merge(s.labels().get(by), s.value(), Double::sum);
      }
    }
    return out;
  }

  private static boolean matches(Sample s, String... pairs) {
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(s.labels().get(pairs[i]))) {
        return false;
      }
    }
    return true;
  }
}

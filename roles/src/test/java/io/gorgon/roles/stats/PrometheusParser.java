package io.gorgon.roles.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a HELP, TYPE or
 * sample line of the grammar; every sample's family must have had HELP and TYPE before it; a family's samples are
 * contiguous; no series twice; histogram buckets cumulative with +Inf equal to _count. Throws AssertionError naming
 * the line.
 */
final class PrometheusParser {
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
    private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final String VALUE = "(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + "=" + LABEL_VALUE
            + "(?:," + LABEL + "=" + LABEL_VALUE + ")*,?)?\\})? (" + VALUE + ")(?: -?[0-9]+)?");
    private static final Pattern ONE_LABEL = Pattern.compile("(" + LABEL + ")=(" + LABEL_VALUE + ")");

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> helps = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusParser parse(String text) {
        PrometheusParser p = new PrometheusParser();
        if (!text.isEmpty() && !text.endsWith("\n")) throw new AssertionError("exposition must end with a newline");
        Set<String> closedFamilies = new HashSet<>();
        Set<String> seriesSeen = new HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty() && n == text.split("\n", -1).length) break; // after the final newline
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (p.helps.put(m.group(1), m.group(2)) != null) throw new AssertionError("line " + n + ": second HELP for " + m.group(1));
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                if (p.types.put(m.group(1), m.group(2)) != null) throw new AssertionError("line " + n + ": second TYPE for " + m.group(1));
                if (!p.helps.containsKey(m.group(1))) throw new AssertionError("line " + n + ": TYPE before HELP for " + m.group(1));
                continue;
            }
            if (line.startsWith("#")) throw new AssertionError("line " + n + ": unexpected comment: " + line);
            if (!(m = SAMPLE.matcher(line)).matches()) throw new AssertionError("line " + n + " is not a sample: " + line);
            String name = m.group(1);
            String family = p.familyOf(name);
            if (family == null) throw new AssertionError("line " + n + ": sample " + name + " has no HELP/TYPE before it");
            if (!family.equals(current)) {
                if (!closedFamilies.add(family)) throw new AssertionError("line " + n + ": samples of " + family + " are not contiguous");
                current = family;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher lm = ONE_LABEL.matcher(m.group(2));
                while (lm.find()) {
                    String raw = lm.group(2);
                    if (labels.put(lm.group(1), unescape(raw.substring(1, raw.length() - 1))) != null) {
                        throw new AssertionError("line " + n + ": label " + lm.group(1) + " twice");
                    }
                }
            }
            if (!seriesSeen.add(name + labels)) throw new AssertionError("line " + n + ": series twice: " + line);
            p.samples.add(new Sample(name, labels, parseValue(m.group(3))));
        }
        p.checkHistograms();
        return p;
    }

    private String familyOf(String sample) {
        if (types.containsKey(sample) && !types.get(sample).equals("histogram")) return sample;
        for (String suffix : new String[]{"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                String f = sample.substring(0, sample.length() - suffix.length());
                if ("histogram".equals(types.get(f))) return f;
            }
        }
        return null;
    }

    private void checkHistograms() {
        Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        Map<String, Double> counts = new HashMap<>();
        for (Sample s : samples) {
            if (s.name.endsWith("_bucket")) {
                Map<String, String> rest = new LinkedHashMap<>(s.labels);
                if (rest.remove("le") == null) throw new AssertionError("bucket without le: " + s);
                buckets.computeIfAbsent(s.name.replaceAll("_bucket$", "") + rest, k -> new ArrayList<>()).add(s);
            } else if (s.name.endsWith("_count") && "histogram".equals(types.get(s.name.replaceAll("_count$", "")))) {
                counts.put(s.name.replaceAll("_count$", "") + s.labels, s.value);
            }
        }
        buckets.forEach((series, list) -> {
            double prevLe = Double.NEGATIVE_INFINITY, prevCount = 0;
            for (Sample b : list) {
                double le = parseValue(b.labels.get("le"));
                if (le <= prevLe) throw new AssertionError(series + ": le not increasing at " + b);
                if (b.value < prevCount) throw new AssertionError(series + ": buckets not cumulative at " + b);
                prevLe = le;
                prevCount = b.value;
            }
            if (prevLe != Double.POSITIVE_INFINITY) throw new AssertionError(series + ": no +Inf bucket");
            Double count = counts.get(series);
            if (count == null || count != prevCount) throw new AssertionError(series + ": _count " + count + " != +Inf bucket " + prevCount);
        });
    }

    double value(String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) want.put(labelPairs[i], labelPairs[i + 1]);
        return samples.stream().filter(s -> s.name.equals(name) && s.labels.equals(want)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + want)).value;
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }
}

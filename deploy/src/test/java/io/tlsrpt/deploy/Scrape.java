package io.tlsrpt.deploy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text exposition: series name -> label names seen on it, and the samples themselves.
 *
 * @param families series name -> label names
 * @param samples  every sample line (name with labels, then value)
 */
record Scrape(Map<String, Set<String>> families, java.util.List<String> samples) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    static Scrape parse(String text) {
        Map<String, Set<String>> families = new TreeMap<>();
        java.util.List<String> samples = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            samples.add(line);
            Set<String> labels = families.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return new Scrape(families, samples);
    }

    /** True when a sample of {@code name} carries label {@code label} with value {@code value}. */
    boolean hasSeries(String name, String label, String value) {
        String needle = label + "=\"" + value + "\"";
        return samples.stream().anyMatch(s -> (s.startsWith(name + "{")) && s.contains(needle));
    }
}

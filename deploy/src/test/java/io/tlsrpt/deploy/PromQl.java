package io.tlsrpt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of the alerting rules and the dashboards, and a small lexer good enough to list the metric names and
 * label names an expression uses (string literals removed first, so label values are not mistaken for names).
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Set<String> KEYWORDS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "rate", "irate", "increase", "delta", "idelta",
            "deriv", "abs", "absent", "absent_over_time", "clamp_min", "clamp_max", "clamp", "sort", "sort_desc",
            "histogram_quantile", "label_replace", "label_join", "time", "vector", "scalar", "round", "ceil", "floor",
            "changes", "resets", "predict_linear", "avg_over_time", "max_over_time", "min_over_time", "sum_over_time",
            "count_over_time", "last_over_time", "present_over_time", "timestamp", "e", "inf", "nan");

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*"
            + "([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    private PromQl() {
    }

    /** Alert and recording rule expressions of deploy/prometheus/tlsrpt-rules.yml. */
    static List<String> ruleExpressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : DeployFiles.yaml(DeployFiles.RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        return exprs;
    }

    /**
     * Every target expression of every dashboard (rows and nested panels included), and each query variable's
     * {@code label_values(METRIC, LABEL)} as the selector {@code METRIC{LABEL!=""}}.
     */
    static List<String> dashboardExpressions() {
        List<String> exprs = new ArrayList<>();
        for (Path dashboard : DeployFiles.dashboards()) {
            JsonNode json = DeployFiles.json(dashboard);
            collectTargets(json.path("panels"), exprs);
            for (JsonNode variable : json.path("templating").path("list")) {
                Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
                if (m.matches()) {
                    exprs.add(m.group(1) + "{" + m.group(2) + "!=\"\"}");
                }
            }
        }
        return exprs;
    }

    static List<String> allExpressions() {
        List<String> all = new ArrayList<>(ruleExpressions());
        all.addAll(dashboardExpressions());
        return all;
    }

    private static void collectTargets(JsonNode panels, List<String> exprs) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    exprs.add(target.path("expr").asText());
                }
            }
            collectTargets(panel.path("panels"), exprs);
        }
    }

    /** Metric names an expression selects. */
    static Set<String> metricNames(String expr) {
        String code = withoutStrings(expr);
        code = RANGE.matcher(code).replaceAll(" ");
        code = GROUPING.matcher(code).replaceAll(" ");
        code = MATCHERS.matcher(code).replaceAll(" ");
        code = code.replaceAll("\\$__[a-z_]+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(code);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            boolean isFunctionCall = after < code.length() && code.substring(after).stripLeading().startsWith("(");
            if (!KEYWORDS.contains(id) && !isFunctionCall && !isNumberPart(code, m.start())) {
                names.add(id);
            }
        }
        return names;
    }

    /** Label names an expression uses in matchers and in by/without/on/ignoring clauses. */
    static Set<String> labelNames(String expr) {
        String code = withoutStrings(expr);
        Set<String> labels = new TreeSet<>();
        Matcher g = GROUPING.matcher(code);
        while (g.find()) {
            for (String l : g.group(1).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.strip());
                }
            }
        }
        Matcher sel = MATCHERS.matcher(code);
        while (sel.find()) {
            Matcher l = MATCHER_LABEL.matcher(sel.group(1));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        return labels;
    }

    /** Replaces string literals by a neutral "" so that their content is not lexed. */
    static String withoutStrings(String expr) {
        return STRING.matcher(expr).replaceAll("\"\"");
    }

    private static boolean isNumberPart(String code, int start) {
        return start > 0 && Character.isDigit(code.charAt(start - 1));
    }
}

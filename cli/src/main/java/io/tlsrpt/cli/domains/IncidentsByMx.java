package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.cli.PolicyDomains;
import io.tlsrpt.processor.detect.Severity;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code tlsrpt incidents --by-mx}: a whole incident list summed by the receiving MX hosts of the incidents' failures,
 * the hosts failing for the most domains first: which of a provider's shared MX hosts are broken, and for how many
 * customer domains, before the list of each domain.
 */
final class IncidentsByMx {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Domains named on a host's text line; the JSON names them all. */
    static final int DOMAINS_SHOWN = 5;
    /** The severities' codes, the most severe first. */
    private static final List<String> SEVERITIES = Arrays.stream(Severity.values()).map(Severity::code).toList();

    private IncidentsByMx() {
    }

    /** One host's incidents. */
    private static final class Host {
        final String name;
        final TreeSet<String> domains = new TreeSet<>();
        final Map<String, Integer> kinds = new TreeMap<>();
        final Map<String, Integer> severities = new HashMap<>();
        int incidents;

        Host(String name) {
            this.name = name;
        }

        void add(JsonNode incident) {
            incidents++;
            domains.add(incident.path("policy_domain").asText());
            kinds.merge(incident.path("kind").asText(), 1, Integer::sum);
            severities.merge(incident.path("severity").asText("unknown"), 1, Integer::sum);
        }

        /** The index of its most severe incident's severity in {@link #SEVERITIES}; their number for none known. */
        int worst() {
            for (int i = 0; i < SEVERITIES.size(); i++) {
                if (severities.containsKey(SEVERITIES.get(i))) {
                    return i;
                }
            }
            return SEVERITIES.size();
        }
    }

    /**
     * {@code {"as_of", "status", ..., "count", "hosts": [{"host", "domains": n, "incidents": n, "severities": {...},
     * "kinds": {...}, "policy_domains": [...]}], "without_host": n}} from a whole list ({@code GET /v1/incidents},
     * every page): an incident counts for each of its hosts; the hosts failing for the most domains first, then the
     * most severe, then by name. {@code without_host}: the incidents that name none (a reporter that stopped, a
     * window no longer kept by an earlier version).
     */
    static ObjectNode of(JsonNode list) {
        Map<String, Host> hosts = new HashMap<>();
        int withoutHost = 0;
        for (JsonNode incident : list.path("incidents")) {
            JsonNode mx = incident.path("receiving_mx");
            if (mx.isEmpty()) {
                withoutHost++;
            }
            for (JsonNode host : mx) {
                // one spelling: an incident an earlier version stored may name a host with a final dot
                hosts.computeIfAbsent(PolicyDomains.normalised(host.asText()), Host::new).add(incident);
            }
        }
        List<Host> ranked = new ArrayList<>(hosts.values());
        ranked.sort(Comparator.comparingInt((Host h) -> -h.domains.size()).thenComparingInt(Host::worst)
            .thenComparing(h -> h.name));
        ObjectNode root = JSON.createObjectNode();
        for (String field : List.of("as_of", "status", "tenant", "domain", "mx")) {
            root.set(field, list.path(field).isMissingNode() ? null : list.path(field));
        }
        root.put("count", list.path("incidents").size());
        ArrayNode array = root.putArray("hosts");
        for (Host h : ranked) {
            ObjectNode o = array.addObject().put("host", h.name).put("domains", h.domains.size())
                .put("incidents", h.incidents);
            ObjectNode severities = o.putObject("severities");
            SEVERITIES.stream().filter(h.severities::containsKey).forEach(s -> severities.put(s, h.severities.get(s)));
            ObjectNode kinds = o.putObject("kinds");
            h.kinds.forEach(kinds::put);
            h.domains.forEach(o.putArray("policy_domains")::add);
        }
        root.put("without_host", withoutHost);
        return root;
    }

    /** A heading, then a line per host (its domains, incidents by severity and kind) and up to five of its domains. */
    static void print(JsonNode byMx, PrintWriter out) {
        JsonNode hosts = byMx.path("hosts");
        String status = byMx.path("status").asText();
        int count = byMx.path("count").asInt();
        out.printf(Locale.ROOT, "%d MX %s of %d %s%s, the most domains first, as of %s%n", hosts.size(),
            hosts.size() == 1 ? "host" : "hosts", count, "all".equals(status) ? "" : status + " ",
            count == 1 ? "incident" : "incidents", byMx.path("as_of").asText());
        for (JsonNode h : hosts) {
            List<String> severities = new ArrayList<>();
            h.path("severities").properties().forEach(e -> severities.add(e.getKey() + " " + e.getValue()));
            List<String> kinds = new ArrayList<>();
            h.path("kinds").properties().forEach(e -> kinds.add(e.getKey() + " " + e.getValue()));
            int domains = h.path("domains").asInt();
            out.printf(Locale.ROOT, "  %s: %d %s, %d %s (%s): %s%n", h.path("host").asText(), domains,
                domains == 1 ? "domain" : "domains", h.path("incidents").asInt(),
                h.path("incidents").asInt() == 1 ? "incident" : "incidents", String.join(", ", severities),
                String.join(", ", kinds));
            List<String> names = new ArrayList<>();
            h.path("policy_domains").forEach(d -> names.add(d.asText()));
            out.println("      " + String.join(", ", names.subList(0, Math.min(DOMAINS_SHOWN, names.size())))
                + (names.size() > DOMAINS_SHOWN ? " and " + (names.size() - DOMAINS_SHOWN) + " more" : ""));
        }
        int withoutHost = byMx.path("without_host").asInt();
        if (withoutHost > 0) {
            out.printf(Locale.ROOT, "  %d %s naming no MX host (a reporter that stopped, or no host reported)%n",
                withoutHost, withoutHost == 1 ? "incident" : "incidents");
        }
    }
}

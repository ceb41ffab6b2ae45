package io.tlsrpt.cli.domains;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.embedded.TopicSnapshot;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code tlsrpt domains} and {@code tlsrpt analyze --per-domain}: each policy domain over the whole run, from the final value of each of its
 * windows on {@code tlsrpt.domain-stats} (a window's later records supersede its earlier ones): days with reports,
 * sessions, the share that failed and the share delivered under no enforced policy, reporters. Worst first.
 */
public final class DomainTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Orders a domain's records by when they were written (a record without the time first), then by window. */
    private static final Comparator<DomainStats> NEWEST_LAST = Comparator
        .comparing(DomainStats::getUpdatedAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
        .thenComparing(DomainStats::getWindowStart);

    /** Per domain, the latest statistics of each of its windows (by window start). */
    private final Map<String, Map<Instant, DomainStats>> latest = new HashMap<>();
    /**
     * One copy of each name, day and reporter list the kept records share: a provider's week of 100,000 domains is
     * 700,000 kept records, whose reporters, tenants and days repeat (as read from Avro: 465 MB held without this,
     * 162 MB with it; measured 2026-12-02).
     */
    private final Map<Object, Object> shared = new HashMap<>();

    private long added;

    /**
     * Takes one record of the topic; records of one domain must come in the order written (one partition). The record
     * is kept, its names and days replaced by equal ones that other kept records share.
     */
    public void add(DomainStats stats) {
        stats.setPolicyDomain(shared(stats.getPolicyDomain()));
        stats.setWindowStart(shared(stats.getWindowStart()));
        stats.setWindowEnd(shared(stats.getWindowEnd()));
        stats.setReporters(shared(List.copyOf(stats.getReporters())));
        stats.setTenant(stats.getTenant() == null ? null : shared(stats.getTenant()));
        stats.getFailingResultTypes().forEach(type -> type.setValue(shared(type.getValue())));
        latest.computeIfAbsent(stats.getPolicyDomain(), d -> new HashMap<>()).put(stats.getWindowStart(), stats);
        added++;
    }

    @SuppressWarnings("unchecked")
    private <T> T shared(T value) {
        return (T) shared.computeIfAbsent(value, v -> v);
    }

    /**
     * Adds the committed records of {@code topic} that {@code keep} accepts, each partition in offset order (a
     * domain's records are on one); returns how many were read.
     *
     * @param serdeConfig the Avro serde's settings, the registry's URL among them
     * @throws org.apache.kafka.common.KafkaException when the topic or the records' schemas cannot be read
     */
    public long read(Map<String, Object> client, String topic, Map<String, ?> serdeConfig,
                     Predicate<DomainStats> keep) {
        return read(client, topic, serdeConfig, null, keep);
    }

    /**
     * As {@link #read(Map, String, Map, Predicate)}, from each partition's first record stamped at or after
     * {@code from} (null: from the beginning): the processor stamps each record with its window's start, so that a
     * period's windows are read without the days before it.
     */
    public long read(Map<String, Object> client, String topic, Map<String, ?> serdeConfig, Instant from,
                     Predicate<DomainStats> keep) {
        return forEach(client, topic, serdeConfig, from, stats -> {
            if (keep.test(stats)) {
                add(stats);
            }
        });
    }

    /**
     * Calls {@code action} for every committed record of {@code topic}, each partition in offset order, from each
     * partition's first record stamped at or after {@code from} (null: from the beginning); returns how many were read.
     *
     * @throws org.apache.kafka.common.KafkaException when the topic or the records' schemas cannot be read
     */
    public static long forEach(Map<String, Object> client, String topic, Map<String, ?> serdeConfig, Instant from,
                               Consumer<DomainStats> action) {
        try (Deserializer<DomainStats> deserializer =
                 AvroSerdes.forClass(DomainStats.class, serdeConfig, false).deserializer()) {
            return TopicSnapshot.forEach(client, topic, from,
                r -> action.accept(deserializer.deserialize(r.topic(), r.headers(), r.value())));
        }
    }

    /** How many records were added. */
    public long added() {
        return added;
    }

    /**
     * One domain over all its windows; a share is null when some window did not count it. {@code tenant}: as its
     * latest record names it (null for none).
     */
    public record Row(String domain, String tenant, int days, long sessions, Long failed, Long withoutEnforcedPolicy,
                      Set<String> reporters) {

        public Double failedShare() {
            return share(failed);
        }

        public Double withoutEnforcedPolicyShare() {
            return share(withoutEnforcedPolicy);
        }

        private Double share(Long part) {
            return part == null || sessions == 0 ? null : (double) part / sessions;
        }
    }

    /** The latest record of each of {@code domain}'s windows, by window start; empty for a domain not added. */
    public List<DomainStats> windows(String domain) {
        return latest.getOrDefault(domain, Map.of()).values().stream()
            .sorted(Comparator.comparing(DomainStats::getWindowStart)).toList();
    }

    /** The largest failed share first, then the largest share without an enforced policy (unknown last), by name. */
    public static final Comparator<Row> WORST_FIRST = Comparator
        .comparing(Row::failedShare, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
        .thenComparing(Row::withoutEnforcedPolicyShare, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
        .thenComparing(Row::domain);
    /** By name. */
    public static final Comparator<Row> BY_NAME = Comparator.comparing(Row::domain);
    /** The most sessions first, then by name. */
    public static final Comparator<Row> MOST_SESSIONS_FIRST = Comparator.comparingLong(Row::sessions).reversed()
        .thenComparing(Row::domain);

    /** The domains, worst first ({@link #WORST_FIRST}). */
    public List<Row> rows() {
        return rows(WORST_FIRST);
    }

    /** The domains in {@code order}. */
    public List<Row> rows(Comparator<Row> order) {
        List<Row> rows = new ArrayList<>(latest.size());
        latest.forEach((domain, windows) -> {
            long sessions = 0;
            Long failed = 0L;
            Long unenforced = 0L;
            Set<String> reporters = new TreeSet<>();
            DomainStats newest = null;
            for (DomainStats w : windows.values()) {
                sessions += w.getTotalSessions();
                failed = sum(failed, w.getFailedSessions());
                unenforced = sum(unenforced, w.getSessionsWithoutEnforcedPolicy());
                reporters.addAll(w.getReporters());
                if (newest == null || NEWEST_LAST.compare(w, newest) > 0) {
                    newest = w;
                }
            }
            rows.add(new Row(domain, newest.getTenant(), windows.size(), sessions, failed, unenforced, reporters));
        });
        rows.sort(order);
        return rows;
    }

    private static Long sum(Long a, Long b) {
        return a == null || b == null ? null : a + b;
    }

    /**
     * The table, with a header line; "-" where a share is not known. A tenant column when some domain has a tenant
     * ("-" for those without).
     */
    public void print(PrintWriter out) {
        print(out, WORST_FIRST);
    }

    /** The same in {@code order}. */
    public void print(PrintWriter out, Comparator<Row> order) {
        print(rows(order), null, out);
    }

    /**
     * {@code rows} as a table in their order, as {@link #print(PrintWriter)} prints them, with a column of each
     * domain's open incidents when {@code openIncidents} is not null (the processor's domain list knows them).
     */
    public static void print(List<Row> rows, Map<String, Long> openIncidents, PrintWriter out) {
        int width = Math.max("policy domain".length(),
            rows.stream().mapToInt(r -> r.domain().length()).max().orElse(0));
        int tenantWidth = rows.stream().filter(r -> r.tenant() != null).mapToInt(r -> r.tenant().length()).max()
            .orElse(0);
        String tenantColumn = tenantWidth == 0 ? "" : "%-" + Math.max("tenant".length(), tenantWidth) + "s ";
        String openColumn = openIncidents == null ? "" : "%9s ";
        String format = "%-" + width + "s " + tenantColumn + "%5s %12s %8s %18s " + openColumn + " %s%n";
        List<Object> header = new ArrayList<>(List.of("policy domain", "days", "sessions", "failed",
            "no enforced policy", "reporters"));
        if (openIncidents != null) {
            header.add(5, "incidents");
        }
        if (tenantWidth > 0) {
            header.add(1, "tenant");
        }
        out.printf(Locale.ROOT, format, header.toArray());
        for (Row r : rows) {
            List<Object> cells = new ArrayList<>(List.of(r.domain(), r.days(),
                String.format(Locale.ROOT, "%,d", r.sessions()), percent(r.failedShare()),
                percent(r.withoutEnforcedPolicyShare()), String.join(", ", r.reporters())));
            if (openIncidents != null) {
                cells.add(5, openIncidents.getOrDefault(r.domain(), 0L));
            }
            if (tenantWidth > 0) {
                cells.add(1, r.tenant() == null ? "-" : r.tenant());
            }
            out.printf(Locale.ROOT, format, cells.toArray());
        }
        out.flush();
    }

    /**
     * One JSON object per line and domain, in the table's order: {@code policy_domain}, {@code days}, {@code sessions},
     * {@code failed_sessions}, {@code failed_share}, {@code sessions_without_enforced_policy},
     * {@code without_enforced_policy_share} (a count and its share null when some window did not count it; a share
     * also when there were no sessions), {@code reporters}, {@code tenant} (null for none).
     */
    public void printJson(PrintWriter out) {
        printJson(out, WORST_FIRST);
    }

    /** The same in {@code order}. */
    public void printJson(PrintWriter out, Comparator<Row> order) {
        for (Row r : rows(order)) {
            out.println(json(r, JSON.createObjectNode()));
        }
        out.flush();
    }

    /** Puts {@code row}'s fields, as {@link #printJson} prints them, in {@code o}; returns it. */
    public static ObjectNode json(Row row, ObjectNode o) {
        o.put("policy_domain", row.domain());
        o.put("days", row.days());
        o.put("sessions", row.sessions());
        o.put("failed_sessions", row.failed());
        o.put("failed_share", row.failedShare());
        o.put("sessions_without_enforced_policy", row.withoutEnforcedPolicy());
        o.put("without_enforced_policy_share", row.withoutEnforcedPolicyShare());
        row.reporters().forEach(o.putArray("reporters")::add);
        o.put("tenant", row.tenant());
        return o;
    }

    /** A share as a percentage with two decimals; "-" when unknown. */
    public static String percent(Double share) {
        return share == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }
}

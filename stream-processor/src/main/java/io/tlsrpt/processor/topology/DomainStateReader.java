package io.tlsrpt.processor.topology;

import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.schema.DomainStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * What the processor holds now about one policy domain, read from its own stores (Kafka Streams' interactive
 * queries): each window of the domain that {@code domain-window-store} keeps, as the statistics that
 * {@code tlsrpt.domain-stats} carries, and the domain's incidents from {@code incident-store}. The values are the
 * running ones, which can lead the committed topics by up to a commit interval.
 */
public final class DomainStateReader {

    /** The store of the windows, keyed by policy domain. */
    public static final String WINDOW_STORE = AggregateStage.STORE;
    /** The store of the incidents, keyed {@code policy_domain|result_type}. */
    public static final String INCIDENT_STORE = DetectStage.INCIDENT_STORE;

    /** Every window start: the store keeps at most its retention, whatever the event times of its windows. */
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    private final Duration windowSize;
    private final Clock clock;

    public DomainStateReader(Duration windowSize, Clock clock) {
        this.windowSize = windowSize;
        this.clock = clock;
    }

    /**
     * One incident of the domain, with the result type of its store key and the receiving MX hosts of its failures
     * (see {@link #receivingMx}).
     */
    public record IncidentState(String resultType, Incident incident, List<String> receivingMx) {
    }

    /**
     * @param windows   the domain's windows, oldest first ({@code updated_at} is when they were read)
     * @param incidents the domain's incidents, open or resolved, by result type
     */
    public record DomainState(String policyDomain, List<DomainStats> windows, List<IncidentState> incidents) {

        /** Nothing kept about the domain: no window (reports) and no incident. */
        public boolean isEmpty() {
            return windows.isEmpty() && incidents.isEmpty();
        }
    }

    /** The domain's state in these stores ({@code policyDomain} as the reports name it: lower case, no dot at the end). */
    public DomainState read(String policyDomain, ReadOnlyWindowStore<String, DomainWindow> windowStore,
                            ReadOnlyKeyValueStore<String, Incident> incidentStore) {
        List<DomainStats> windows = new ArrayList<>();
        try (WindowStoreIterator<DomainWindow> it = windowStore.fetch(policyDomain, EARLIEST, LATEST)) {
            while (it.hasNext()) {
                KeyValue<Long, DomainWindow> entry = it.next();
                if (entry.value != null) {
                    Instant start = Instant.ofEpochMilli(entry.key);
                    windows.add(DomainStatistics.of(policyDomain, start, start.plus(windowSize), entry.value, clock));
                }
            }
        }
        List<IncidentState> incidents = new ArrayList<>();
        String prefix = policyDomain + "|";
        try (KeyValueIterator<String, Incident> it = incidentStore.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, Incident> entry = it.next();
                String resultType = entry.key.substring(prefix.length());
                incidents.add(new IncidentState(resultType, entry.value,
                        receivingMx(windowStore, policyDomain, resultType, entry.value)));
            }
        }
        return new DomainState(policyDomain, List.copyOf(windows), List.copyOf(incidents));
    }

    /**
     * The receiving MX hosts of an incident's failures: those of its result type in its last anomalous window, most
     * failed sessions first (as its alerts' top_receiving_mx). The incident keeps them; one stored before it did has
     * them read from that window (none once the store no longer keeps it).
     */
    public static List<String> receivingMx(ReadOnlyWindowStore<String, DomainWindow> windowStore, String policyDomain,
                                           String resultType, Incident incident) {
        if (incident.receivingMx() != null) {
            return incident.receivingMx();
        }
        DomainWindow window = windowStore.fetch(policyDomain, incident.lastAnomalousWindowStart());
        if (window == null) {
            return List.of();
        }
        return window.receivingMx(resultType);
    }
}

package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.detect.Incident;
import io.tlsrpt.schema.Alert;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector on its own, fed the window updates in the order a commit can flush them from the aggregate's record
 * cache, or a backlog on several partitions can deliver them: a later window's update before an earlier one's, both
 * already in the window store. (TopologyTestDriver commits after every record, so the whole topology always sends
 * them in arrival order.)
 */
class DetectStageUpdateOrderTest {

    private static final String DOMAIN = "victim.example";
    private static final String TYPE = "starttls-not-supported";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path stateDir;
    private final TopologySettings settings = TopologySettings.defaults("mock://detect-" + UUID.randomUUID());
    private final long day = settings.windowSize().toMillis();
    private final List<KeyValue<String, Alert>> alerts = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<Windowed<String>, DomainWindow> updates;
    private WindowStore<String, ValueAndTimestamp<DomainWindow>> windows;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.timestampedWindowStoreBuilder(Stores.persistentTimestampedWindowStore(
                AggregateStage.STORE, AggregateStage.storeRetention(settings), settings.windowSize(), false),
                Serdes.String(), AggregateStage.WINDOW_SERDE));
        KStream<Windowed<String>, DomainWindow> source = builder.stream("window-updates", Consumed.with(
                WindowedSerdes.timeWindowedSerdeFrom(String.class, day), AggregateStage.WINDOW_SERDE));
        DetectStage.apply(builder, source, settings, new PipelineMetrics(new SimpleMeterRegistry()),
                Clock.fixed(NOW, ZoneOffset.UTC)).foreach((key, alert) -> alerts.add(KeyValue.pair(key, alert)),
                Named.as("capture"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tlsrpt-detect-order");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), props, NOW);
        updates = driver.createInputTopic("window-updates",
                WindowedSerdes.timeWindowedSerdeFrom(String.class, day).serializer(),
                AggregateStage.WINDOW_SERDE.serializer());
        windows = driver.getTimestampedWindowStore(AggregateStage.STORE);
        for (int d = 1; d <= 7; d++) {
            store(d, healthy());
        }
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aLaterWindowFlushedFirstFiresAWarningThatTheEarlierWindowEscalatesToCritical() {
        store(8, failing(80));
        store(9, failing(120));

        update(9);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.value.getStatus()).isEqualTo("firing");
            assertThat(a.value.getKind()).as("day 9's baseline holds day 8").isEqualTo("starttls-unavailable");
            assertThat(a.value.getSeverity()).isEqualTo("warning");
        });

        update(8);
        assertThat(alerts).hasSize(2);
        Alert escalated = alerts.get(1).value;
        assertThat(escalated.getStatus()).isEqualTo("firing");
        assertThat(escalated.getKind()).as("day 8 against the clean week before it").isEqualTo(
                "starttls-downgrade-suspected");
        assertThat(escalated.getSeverity()).isEqualTo("critical");
        assertThat(escalated.getAlertId()).as("the same incident").isEqualTo(alerts.get(0).value.getAlertId());
        assertThat(escalated.getWindowStart()).isEqualTo(Instant.ofEpochMilli(8 * day));
        assertThat(escalated.getFailedSessions()).isEqualTo(80);
        assertThat(escalated.getSummary()).contains("Escalated from starttls-unavailable");
        assertThat(alerts.get(0).value.getSummary()).doesNotContain("Escalated");
        assertThat(alerts).extracting(a -> a.key).as("one key whatever the kind, so one partition for the incident")
                .containsOnly(DOMAIN + "|" + TYPE);

        // day 10 is judged against the week before day 8 now, and keeps the critical kind
        store(10, failing(300));
        update(10);
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).value.getKind()).isEqualTo("starttls-downgrade-suspected");
        assertThat(alerts.get(2).value.getBaseline()).as("expected failures from a clean baseline").isLessThan(1.0);
        assertThat(alerts.get(2).value.getAlertId()).isEqualTo(escalated.getAlertId());
        assertThat(alerts.get(2).value.getSummary()).as("only the escalating update says so")
                .doesNotContain("Escalated");
    }

    @Test
    void inDayOrderTheSameWindowsFireCriticalAtOnce() {
        store(8, failing(80));
        update(8);
        store(9, failing(120));
        update(9);

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.value.getKind()).isEqualTo("starttls-downgrade-suspected");
            assertThat(a.value.getWindowStart()).isEqualTo(Instant.ofEpochMilli(8 * day));
            assertThat(a.key).isEqualTo(DOMAIN + "|" + TYPE);
        });
    }

    /**
     * An incident open across an upgrade keeps the key the version before gave its alerts (the kind it first fired
     * with), so that its later records land on the partition of its earlier ones.
     */
    @Test
    void anIncidentStoredByAnEarlierVersionKeepsItsAlertKeyToItsEnd() {
        KeyValueStore<String, Incident> incidents = driver.getKeyValueStore(DetectStage.INCIDENT_STORE);
        String alertId = "0123456789abcdef0123456789abcdef";
        // as the version before stored it: escalated from the warning it first fired with, no alert key
        incidents.put(DOMAIN + "|" + TYPE, new Incident(alertId, "starttls-downgrade-suspected", true, 8 * day,
                9 * day, 3000, 120, 0, "starttls-unavailable", null, null));
        store(8, failing(80));
        store(9, failing(120));
        store(10, failing(300));
        update(10);
        store(11, healthy());
        update(11);

        assertThat(alerts).extracting(a -> a.value.getStatus()).containsExactly("firing", "resolved");
        assertThat(alerts).extracting(a -> a.value.getAlertId()).containsOnly(alertId);
        assertThat(alerts).extracting(a -> a.key).as("the key of its first records, kept to its end")
                .containsOnly(DOMAIN + "|starttls-unavailable");
        assertThat(incidents.get(DOMAIN + "|" + TYPE).alertKey()).isEqualTo(DOMAIN + "|starttls-unavailable");

        // an incident stored before kinds could escalate (no fired kind either) is keyed by its kind
        incidents.put(DOMAIN + "|" + TYPE, new Incident(alertId, "starttls-unavailable", true, 12 * day, 12 * day,
                3000, 120, 0, null, null, null));
        store(12, failing(120));
        store(13, failing(400));
        update(13);
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).key).isEqualTo(DOMAIN + "|starttls-unavailable");

        // a new incident after it, on a clean week, is keyed by domain and result type
        for (int d = 14; d <= 21; d++) {
            store(d, healthy());
        }
        update(14);
        store(22, failing(80));
        update(22);
        assertThat(alerts).hasSize(5);
        assertThat(alerts.get(3).value.getStatus()).isEqualTo("resolved");
        assertThat(alerts.get(3).key).isEqualTo(DOMAIN + "|starttls-unavailable");
        assertThat(alerts.get(4).value.getStatus()).isEqualTo("firing");
        assertThat(alerts.get(4).value.getAlertId()).isNotEqualTo(alertId);
        assertThat(alerts.get(4).key).isEqualTo(DOMAIN + "|" + TYPE);
    }

    /**
     * An incident keeps the receiving MX hosts of its last anomalous window (the query API lists them without reading
     * the window, and they outlive it); one stored before it kept them has them read from that window.
     */
    @Test
    void anIncidentKeepsTheReceivingMxHostsOfItsLastAnomalousWindow() {
        KeyValueStore<String, Incident> incidents = driver.getKeyValueStore(DetectStage.INCIDENT_STORE);
        String key = DOMAIN + "|" + TYPE;
        store(8, failing(80, Map.of("mx2." + DOMAIN, 20L, "MX1." + DOMAIN, 60L)));
        update(8);
        assertThat(incidents.get(key).receivingMx()).as("most failed sessions first")
                .containsExactly("MX1." + DOMAIN, "mx2." + DOMAIN);

        store(9, failing(300, Map.of("mx3." + DOMAIN, 300L)));
        update(9);
        assertThat(incidents.get(key).receivingMx()).as("the later anomalous window's").containsExactly("mx3." + DOMAIN);

        update(8);
        assertThat(incidents.get(key).receivingMx()).as("an earlier window's update is not the last anomalous one")
                .containsExactly("mx3." + DOMAIN);

        store(10, healthy());
        update(10);
        assertThat(alerts).extracting(a -> a.value.getStatus()).containsExactly("firing", "firing", "resolved");
        Incident resolved = incidents.get(key);
        assertThat(resolved.receivingMx()).as("kept once resolved").containsExactly("mx3." + DOMAIN);

        // the window expired: the hosts stay with the incident
        windows.put(DOMAIN, null, 9 * day);
        assertThat(DomainStateReader.receivingMx(driver.getWindowStore(AggregateStage.STORE), DOMAIN, TYPE, resolved))
                .containsExactly("mx3." + DOMAIN);
        // stored before incidents kept their hosts: read from the last anomalous window while the store keeps it
        Incident stored = new Incident(resolved.alertId(), resolved.kind(), false, 8 * day, 8 * day, 3000, 80,
                10 * day, null, key, null);
        assertThat(DomainStateReader.receivingMx(driver.getWindowStore(AggregateStage.STORE), DOMAIN, TYPE, stored))
                .containsExactly("MX1." + DOMAIN, "mx2." + DOMAIN);
        windows.put(DOMAIN, null, 8 * day);
        assertThat(DomainStateReader.receivingMx(driver.getWindowStore(AggregateStage.STORE), DOMAIN, TYPE, stored))
                .isEmpty();
    }

    private static DomainWindow healthy() {
        return new DomainWindow(3, 3000, Set.of("Google Inc.", "Microsoft Corporation", "Yahoo"), Map.of());
    }

    private static DomainWindow failing(long failed) {
        return failing(failed, Map.of("mx1." + DOMAIN, failed));
    }

    private static DomainWindow failing(long failed, Map<String, Long> receivingMx) {
        return new DomainWindow(3, 3000, Set.of("Google Inc.", "Microsoft Corporation", "Yahoo"), Map.of(TYPE,
                new TypeCounts(failed, Set.of("Google Inc."), Map.of("203.0.113.10", failed), receivingMx)));
    }

    private void store(int d, DomainWindow window) {
        windows.put(DOMAIN, ValueAndTimestamp.make(window, d * day), d * day);
    }

    /** The aggregate forwarding day {@code d}'s window as it now stands in the store. */
    private void update(int d) {
        DomainWindow current = windows.fetch(DOMAIN, d * day).value();
        updates.pipeInput(new Windowed<>(DOMAIN, new TimeWindow(d * day, (d + 1) * day)), current, d * day);
    }
}

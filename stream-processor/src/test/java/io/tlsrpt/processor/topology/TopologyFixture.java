package io.tlsrpt.processor.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the real topology with a fixed clock and a per-test mock registry. */
final class TopologyFixture implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    final TopologySettings settings;
    final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    final Topics topics;
    final TopologyTestDriver driver;
    /** The open reports-stopped incidents the silence stage keeps beside its store (one partition here: 0). */
    final OpenStops openStops;
    /** The window updates the statistics stage counts for the domain list. */
    final WindowChanges windowChanges = new WindowChanges();
    final TestInputTopic<String, byte[]> raw;
    final TestOutputTopic<String, TlsReport> reports;
    final TestOutputTopic<String, byte[]> deadLetter;
    final TestOutputTopic<String, FailureStats> stats;
    final TestOutputTopic<String, DomainStats> domainStats;
    final TestOutputTopic<String, Alert> alerts;
    final TestOutputTopic<String, String> alertsJson;
    private final Path stateDir;

    TopologyFixture() {
        this(TopologySettings.defaults("mock://topology-" + UUID.randomUUID()));
    }

    TopologyFixture(TopologySettings settings) {
        this(settings, TopologyDepth.FULL);
    }

    /** The topology up to {@code depth} (the benchmark's cut topologies). */
    TopologyFixture(TopologySettings settings, TopologyDepth depth) {
        this.settings = settings;
        this.topics = new Topics(settings.topics(), settings.registryUrl());
        try {
            stateDir = Files.createTempDirectory("tlsrpt-ttd");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tlsrpt-ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Production.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterExceptionHandlers.Deserialization.class);
        props.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, settings.topics().deadLetter());
        props.put(DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        openStops = new OpenStops(settings.windowSize());
        driver = new TopologyTestDriver(TopologyFactory.buildTopology(settings, new ReportDecoder(), metrics, clock,
                depth, openStops, windowChanges),
                props, NOW);
        raw = driver.createInputTopic(topics.raw.name(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        reports = driver.createOutputTopic(topics.reports.name(), Serdes.String().deserializer(),
                topics.reports.valueSerde().deserializer());
        deadLetter = driver.createOutputTopic(topics.deadLetter.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
        stats = driver.createOutputTopic(topics.failureStats.name(), Serdes.String().deserializer(),
                topics.failureStats.valueSerde().deserializer());
        domainStats = driver.createOutputTopic(topics.domainStats.name(), Serdes.String().deserializer(),
                topics.domainStats.valueSerde().deserializer());
        alerts = driver.createOutputTopic(topics.alerts.name(), Serdes.String().deserializer(),
                topics.alerts.valueSerde().deserializer());
        alertsJson = driver.createOutputTopic(topics.alertsJson.name(), Serdes.String().deserializer(),
                Serdes.String().deserializer());
    }

    /** Sends raw bytes as the ingest connector would, arriving at {@code arrival}. */
    void send(byte[] payload, Instant arrival, String source) {
        send(payload, arrival, source, "application/tlsrpt+json");
    }

    /** Sends raw bytes with the content type the connector declares (message/rfc822 for a mail). */
    void send(byte[] payload, Instant arrival, String source, String contentType) {
        send(payload, arrival, source, contentType, java.util.Map.of());
    }

    /** As the connector would, with more headers (tlsrpt.dkim). */
    void send(byte[] payload, Instant arrival, String source, String contentType, java.util.Map<String, String> extra) {
        RecordHeaders headers = new RecordHeaders();
        extra.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        headers.add("tlsrpt.source", source.getBytes(StandardCharsets.UTF_8));
        headers.add("tlsrpt.received-at", arrival.toString().getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        headers.add("tlsrpt.origin", "test".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>(sha256(payload), payload, headers, arrival));
    }

    /** A report that arrives six hours after its day ends. */
    void send(ReportFixtures report, int day) {
        send(report.bytes(), ReportFixtures.day(day + 1).plusSeconds(6 * 3600), "https");
    }

    List<Alert> allAlerts() {
        return alerts.readValuesToList();
    }

    /** The one alert written since the last read; fails when there are none or more. */
    Alert onlyAlert() {
        List<Alert> written = allAlerts();
        org.assertj.core.api.Assertions.assertThat(written).as("the alerts written").hasSize(1);
        return written.get(0);
    }

    /** The alerts with their Kafka keys. */
    List<org.apache.kafka.streams.KeyValue<String, Alert>> allAlertRecords() {
        return alerts.readKeyValuesToList();
    }

    static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

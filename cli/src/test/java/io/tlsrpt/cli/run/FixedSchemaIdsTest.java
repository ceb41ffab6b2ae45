package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.serde.AvroSerdes;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The in-process registry forgets everything with its process; what {@code tlsrpt run} wrote must read after a
 * restart, and from another process ({@code tlsrpt domains}): both register the same schemas in the same order.
 */
class FixedSchemaIdsTest {

    @Test
    void anotherProcessReadsWhatTheRunWrote() {
        String run = "mock://fixed-ids-run-" + UUID.randomUUID();
        String other = "mock://fixed-ids-other-" + UUID.randomUUID();
        TopicNames topics = TopicNames.defaults();
        FixedSchemaIds.register(run, topics);
        DomainStats stats = DomainStats.newBuilder().setPolicyDomain("example.org")
            .setWindowStart(Instant.parse("2026-11-30T00:00:00Z")).setWindowEnd(Instant.parse("2026-12-01T00:00:00Z"))
            .setTotalSessions(1000).setFailedSessions(3L).setSessionsWithoutEnforcedPolicy(0L).setReports(3)
            .setReporters(List.of("Google Inc.")).build();
        byte[] written;
        try (Serde<DomainStats> serde = AvroSerdes.forClass(DomainStats.class, run, false)) {
            written = serde.serializer().serialize(topics.domainStats(), stats);
        }

        // a new process: a fresh registry, the same registrations
        FixedSchemaIds.register(other, topics);
        try (Serde<DomainStats> serde = AvroSerdes.forClass(DomainStats.class, other, false)) {
            assertThat(serde.deserializer().deserialize(topics.domainStats(), written)).isEqualTo(stats);
        }
        // the schemas registered before the domain statistics existed keep their ids
        assertThat(MockSchemaRegistry.forUrl(other).lookup(topics.alerts() + "-value", Alert.getClassSchema()))
            .isEqualTo(3);
        MockSchemaRegistry.dropScope(run.substring("mock://".length()));
        MockSchemaRegistry.dropScope(other.substring("mock://".length()));
    }

    /**
     * A data directory written before the statistics had a tenant: its records carry the ids 2 (failure statistics)
     * and 4 (domain statistics) of the schemas then, which keep them; the current schemas get ids after them.
     */
    @Test
    void recordsOfAnEarlierVersionStillRead() throws Exception {
        String url = "mock://fixed-ids-upgrade-" + UUID.randomUUID();
        TopicNames topics = TopicNames.defaults();
        FixedSchemaIds.register(url, topics);
        MockSchemaRegistry registry = MockSchemaRegistry.forUrl(url);
        Schema before = registry.getById(4);
        assertThat(before.getField("tenant")).as("the schema before tenants").isNull();
        assertThat(before.getName()).isEqualTo("DomainStats");
        assertThat(registry.getById(2).getName()).isEqualTo("FailureStats");
        assertThat(registry.lookup(topics.failureStats() + "-value", FailureStats.getClassSchema())).isEqualTo(5);
        assertThat(registry.lookup(topics.domainStats() + "-value", DomainStats.getClassSchema())).isEqualTo(6);

        // a record as the earlier version wrote it: magic byte, schema id 4, the Avro binary of that schema
        GenericRecord old = new GenericData.Record(before);
        old.put("policy_domain", "example.org");
        old.put("window_start", Instant.parse("2026-11-30T00:00:00Z").toEpochMilli());
        old.put("window_end", Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
        old.put("total_sessions", 1000L);
        old.put("failed_sessions", 3L);
        old.put("sessions_without_enforced_policy", 0L);
        old.put("reports", 3L);
        old.put("reporters", List.of("Google Inc."));
        old.put("failing_result_types", List.of());
        old.put("updated_at", null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(ByteBuffer.allocate(4).putInt(4).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(before).write(old, encoder);
        encoder.flush();

        try (Serde<DomainStats> serde = AvroSerdes.forClass(DomainStats.class, url, false)) {
            DomainStats read = serde.deserializer().deserialize(topics.domainStats(), bytes.toByteArray());
            assertThat(read.getPolicyDomain()).isEqualTo("example.org");
            assertThat(read.getTotalSessions()).isEqualTo(1000);
            assertThat(read.getTenant()).isNull();
        }
        MockSchemaRegistry.dropScope(url.substring("mock://".length()));
    }
}

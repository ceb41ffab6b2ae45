package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.serde.AvroSerdes;
import io.tlsrpt.schema.serde.MockSchemaRegistry;
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
}

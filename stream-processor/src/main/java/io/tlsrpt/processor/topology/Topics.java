package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topic registry used by the topology and by tests: names from configuration, Avro values in the
 * Confluent wire format through the project's registry serde.
 */
public final class Topics {

    public final Topic<String, byte[]> raw;
    public final Topic<String, TlsReport> reports;
    public final Topic<String, byte[]> deadLetter;
    public final Topic<String, FailureStats> failureStats;
    public final Topic<String, DomainStats> domainStats;
    public final Topic<String, Alert> alerts;
    public final Topic<String, String> alertsJson;
    private final TopicNames names;

    public Topics(TopicNames names, String registryUrl) {
        this.names = names;
        raw = new Topic<>(names.raw(), Serdes.String(), Serdes.ByteArray());
        reports = new Topic<>(names.reports(), Serdes.String(), AvroSerdes.forClass(TlsReport.class, registryUrl, false));
        deadLetter = new Topic<>(names.deadLetter(), Serdes.String(), Serdes.ByteArray());
        failureStats = new Topic<>(names.failureStats(), Serdes.String(),
                AvroSerdes.forClass(FailureStats.class, registryUrl, false));
        domainStats = new Topic<>(names.domainStats(), Serdes.String(),
                AvroSerdes.forClass(DomainStats.class, registryUrl, false));
        alerts = new Topic<>(names.alerts(), Serdes.String(), AvroSerdes.forClass(Alert.class, registryUrl, false));
        alertsJson = new Topic<>(names.alertsJson(), Serdes.String(), Serdes.String());
    }

    public TopicNames names() {
        return names;
    }
}

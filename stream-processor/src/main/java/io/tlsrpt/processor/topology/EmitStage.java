package io.tlsrpt.processor.topology;

import java.util.function.Supplier;

import io.tlsrpt.processor.served.AlertTenants;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Stage 6: alerts, each with its policy domain's tenant (from the served-domains list in force), counted by kind,
 * severity, status and that tenant ({@code tlsrpt_alerts_total}), to the Avro topic and, as plain JSON with the same
 * field names, to the JSON topic.
 */
final class EmitStage {

    static final String TENANT = "alerts-tenant";

    private EmitStage() {
    }

    static void apply(KStream<String, Alert> alerts, Topics topics, Supplier<ServedDomains> servedDomains,
                      PipelineMetrics metrics) {
        KStream<String, Alert> stamped = alerts.mapValues(alert -> {
            Alert withTenant = AlertTenants.withTenant(alert, servedDomains.get());
            metrics.alert(withTenant);
            return withTenant;
        }, Named.as(TENANT));
        stamped.to(topics.alerts.name(), topics.alerts.produced("alerts-sink"));
        stamped.mapValues(AvroJson::toJson, Named.as("alerts-to-json"))
                .to(topics.alertsJson.name(), topics.alertsJson.produced("alerts-json-sink"));
    }
}

package io.tlsrpt.processor.topology;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** Stage 6: alerts to the Avro topic and, as plain JSON with the same field names, to the JSON topic. */
final class EmitStage {

    private EmitStage() {
    }

    static void apply(KStream<String, Alert> alerts, Topics topics) {
        alerts.to(topics.alerts.name(), topics.alerts.produced("alerts-sink"));
        alerts.mapValues(AvroJson::toJson, Named.as("alerts-to-json"))
                .to(topics.alertsJson.name(), topics.alertsJson.produced("alerts-json-sink"));
    }
}

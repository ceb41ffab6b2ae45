package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The notifier reads exactly what the stream processor writes: an Avro {@code Alert} rendered by {@code AvroJson}. */
class AlertJsonContractTest {

    @Test
    void parsesTheAvroJsonRenderingOfAnAlert() throws Exception {
        Alert alert = Alert.newBuilder()
                .setAlertId("example.org|starttls-downgrade-suspected|2026-11-27")
                .setStatus("firing")
                .setKind("starttls-downgrade-suspected")
                .setSeverity("critical")
                .setPolicyDomain("example.org")
                .setResultType("starttls-not-supported")
                .setWindowStart(Instant.parse("2026-11-27T00:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-28T00:00:00Z"))
                .setFailedSessions(120)
                .setTotalSessions(4000)
                .setBaseline(0.4)
                .setScore(38.5)
                .setReporters(List.of("google.com", "microsoft.com"))
                .setTopSendingIps(List.of("203.0.113.7"))
                .setTopReceivingMx(List.of("mx1.example.org"))
                .setSummary("STARTTLS downgrade suspected on example.org")
                .setDetectedAt(Instant.parse("2026-11-27T09:30:00.250Z"))
                .build();

        AlertRecord record = AlertRecord.parse(AvroJson.toJson(alert).getBytes(StandardCharsets.UTF_8));

        assertThat(record.alertId()).isEqualTo("example.org|starttls-downgrade-suspected|2026-11-27");
        assertThat(record.status()).isEqualTo(AlertRecord.Status.FIRING);
        assertThat(record.windowStart()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(record.detectedAt()).isEqualTo(Instant.parse("2026-11-27T09:30:00.250Z"));
        assertThat(record.failedSessions()).isEqualTo(120);
        assertThat(record.baseline()).isEqualTo(0.4);
        assertThat(record.reporters()).containsExactly("google.com", "microsoft.com");
        assertThat(record.topReceivingMx()).containsExactly("mx1.example.org");

        PostableAlert posted = new AlertMapper(Map.of()).map(record, record.detectedAt(), Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(posted.labels()).containsEntry("alert_id", "example.org|starttls-downgrade-suspected|2026-11-27")
                .containsEntry("alertname", "starttls-downgrade-suspected");
    }
}

package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import org.junit.jupiter.api.Test;

/** The readable alert line, from what the processor really writes (an Alert through AvroJson). */
class AlertLineTest {

    @Test
    void aFiringDowngradeReadsAsOneLine() {
        Alert alert = Alert.newBuilder()
            .setAlertId("a2db58be12b120948298adb70fe93eeb").setStatus("firing").setKind("starttls-downgrade-suspected").setSeverity("critical")
            .setPolicyDomain("example.org").setResultType("starttls-not-supported")
            .setWindowStart(Instant.parse("2026-11-03T00:00:00Z")).setWindowEnd(Instant.parse("2026-11-04T00:00:00Z"))
            .setFailedSessions(412).setTotalSessions(980).setBaseline(0.3).setScore(50)
            .setReporters(List.of("google.com", "microsoft.com")).setTopSendingIps(List.of())
            .setTopReceivingMx(List.of()).setSummary("s").setDetectedAt(Instant.parse("2026-11-04T06:00:00Z"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing critical starttls-downgrade-suspected example.org starttls-not-supported 2026-11-03: "
                + "412/980 sessions failed (baseline 0.3) reporters=google.com,microsoft.com incident=a2db58be");
    }

    @Test
    void anAlertJudgedOnOneReporterSaysWhoseCountsTheyAre() {
        Alert alert = Alert.newBuilder()
            .setAlertId("b3ec69cf23c231a59309bec81a0fc0fc").setStatus("firing").setKind("starttls-downgrade-suspected").setSeverity("critical")
            .setPolicyDomain("example.org").setResultType("starttls-not-supported")
            .setWindowStart(Instant.parse("2026-11-03T00:00:00Z")).setWindowEnd(Instant.parse("2026-11-04T00:00:00Z"))
            .setFailedSessions(400).setTotalSessions(1000).setBaseline(0.1).setScore(50)
            .setReporters(List.of("google.com")).setTopSendingIps(List.of())
            .setTopReceivingMx(List.of()).setSummary("s").setDetectedAt(Instant.parse("2026-11-04T06:00:00Z"))
            .setJudgedReporter("google.com")
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing critical starttls-downgrade-suspected example.org starttls-not-supported 2026-11-03: "
                + "400/1000 sessions reported by google.com failed (baseline 0.1) reporters=google.com incident=b3ec69cf");
    }

    @Test
    void aPolicyNoLongerEnforcedCountsSessionsThatDidNotFail() {
        Alert alert = Alert.newBuilder()
            .setAlertId("d5ae81e145e453b7c5a0bed02c2ae2ae").setStatus("firing").setKind("tls-policy-not-enforced")
            .setSeverity("warning").setPolicyDomain("example.org").setResultType("policy-not-enforced")
            .setWindowStart(Instant.parse("2026-11-03T00:00:00Z")).setWindowEnd(Instant.parse("2026-11-04T00:00:00Z"))
            .setFailedSessions(980).setTotalSessions(980).setBaseline(0.1).setScore(50)
            .setReporters(List.of("google.com")).setSummary("s").setDetectedAt(Instant.parse("2026-11-04T06:00:00Z"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing warning tls-policy-not-enforced example.org policy-not-enforced 2026-11-03: "
                + "980/980 sessions without an enforced policy (baseline 0.1) reporters=google.com incident=d5ae81e1");
    }

    @Test
    void aReporterThatStoppedReadsAsASilenceWithoutSessions() {
        Alert alert = Alert.newBuilder()
            .setAlertId("c4fd70d034d342b6a41acfd92b1fd1fd").setStatus("firing").setKind("reports-stopped")
            .setSeverity("warning").setPolicyDomain("example.org").setResultType("none")
            .setWindowStart(Instant.parse("2026-11-25T00:00:00Z")).setWindowEnd(Instant.parse("2026-11-26T00:00:00Z"))
            .setReporters(List.of("google.com")).setSummary("s").setDetectedAt(Instant.parse("2026-11-29T01:00:00Z"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing warning reports-stopped example.org report window 2026-11-25 reporters=google.com "
                + "incident=c4fd70d0");
    }

    @Test
    void somethingElseIsShownNotDropped() {
        assertThat(AlertLine.format("not json {")).isEqualTo("ALERT (not an alert object) not json {");
        assertThat(AlertLine.format("{\"x\":1}")).isEqualTo("ALERT (not an alert object) {\"x\":1}");
        assertThat(AlertLine.format("x".repeat(600))).hasSize("ALERT (not an alert object) ".length() + 503);
    }
}

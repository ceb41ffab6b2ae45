package io.tlsrpt.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.AvroJson;
import org.junit.jupiter.api.Test;

/** The readable alert line, from what the processor really writes (an Alert through AvroJson). */
class AlertLineTest {

    @Test
    void aFiringDowngradeReadsAsOneLine() {
        Alert alert = firing("a2db58be12b120948298adb70fe93eeb", "starttls-downgrade-suspected", "critical",
            "starttls-not-supported", "2026-11-03")
            .setFailedSessions(412).setTotalSessions(980).setBaseline(0.3).setScore(50)
            .setReporters(List.of("google.com", "microsoft.com"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing critical starttls-downgrade-suspected example.org starttls-not-supported 2026-11-03: "
                + "412/980 sessions failed (baseline 0.3) reporters=google.com,microsoft.com incident=a2db58be");
    }

    /** The detector's resolution of an incident no window judged over: no sessions, and it says so, not "0/0". */
    @Test
    void anIncidentClosedWithoutAVerdictSaysSo() {
        Alert alert = firing("9f31c0aa77", "certificate-expired", "critical", "certificate-expired", "2026-11-08")
            .setStatus("resolved")
            .setSummary("Closed without a verdict: certificate-expired on example.org was last seen in the window"
                + " starting 2026-11-08T00:00:00Z, ...")
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT resolved critical certificate-expired example.org certificate-expired 2026-11-08: closed without a"
                + " verdict (no window since said it was over; the failures may go on) incident=9f31c0aa");
    }

    @Test
    void theMxHostsWhereTheFailuresWereAreNamedMostFirstOnceEach() {
        Alert alert = firing("e6bf92", "certificate-expired", "critical", "certificate-expired", "2026-11-03")
            .setFailedSessions(50).setTotalSessions(100).setReporters(List.of("google.com"))
            .setTopReceivingMx(List.of("MX2.provider.net", "mx1.provider.net", "mx2.provider.net"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing critical certificate-expired example.org certificate-expired 2026-11-03: 50/100 sessions "
                + "failed (baseline 0.0) mx=mx2.provider.net,mx1.provider.net reporters=google.com incident=e6bf92");
    }

    @Test
    void anAlertOfATenantsDomainNamesTheTenant() {
        Alert alert = firing("c4fd70", "certificate-expired", "critical", "certificate-expired", "2026-11-03")
            .setFailedSessions(50).setTotalSessions(100).setReporters(List.of("google.com")).setTenant("acme")
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).endsWith(" reporters=google.com tenant=acme incident=c4fd70");
    }

    @Test
    void anAlertJudgedOnOneReporterSaysWhoseCountsTheyAre() {
        Alert alert = firing("b3ec69cf23c231a59309bec81a0fc0fc", "starttls-downgrade-suspected", "critical",
            "starttls-not-supported", "2026-11-03")
            .setFailedSessions(400).setTotalSessions(1000).setBaseline(0.1).setScore(50)
            .setReporters(List.of("google.com")).setJudgedReporter("google.com")
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing critical starttls-downgrade-suspected example.org starttls-not-supported 2026-11-03: "
                + "400/1000 sessions reported by google.com failed (baseline 0.1) reporters=google.com incident=b3ec69cf");
    }

    @Test
    void aPolicyNoLongerEnforcedCountsSessionsThatDidNotFail() {
        Alert alert = firing("d5ae81e145e453b7c5a0bed02c2ae2ae", "tls-policy-not-enforced", "warning",
            "policy-not-enforced", "2026-11-03")
            .setFailedSessions(980).setTotalSessions(980).setBaseline(0.1).setScore(50)
            .setReporters(List.of("google.com"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing warning tls-policy-not-enforced example.org policy-not-enforced 2026-11-03: "
                + "980/980 sessions without an enforced policy (baseline 0.1) reporters=google.com incident=d5ae81e1");
    }

    @Test
    void aReporterThatStoppedReadsAsASilenceWithoutSessions() {
        Alert alert = firing("c4fd70d034d342b6a41acfd92b1fd1fd", "reports-stopped", "warning", "none", "2026-11-25")
            .setReporters(List.of("google.com"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing warning reports-stopped example.org report window 2026-11-25 reporters=google.com "
                + "incident=c4fd70d0");
    }

    @Test
    void anAlertOfThePolicyWatchReadsAsACheckWithoutSessions() {
        Alert alert = firing("0be7ed3cfd68d4666ab248ed7d5d7faf", "tlsrpt-record-broken", "warning",
            "tlsrpt-record-missing", "2026-12-01")
            .setWindowStart(Instant.parse("2026-12-01T08:27:05.326Z"))
            .setWindowEnd(Instant.parse("2026-12-01T08:42:05.100Z"))
            .setReporters(List.of("tlsrpt watch"))
            .build();

        assertThat(AlertLine.format(AvroJson.toJson(alert))).isEqualTo(
            "ALERT firing warning tlsrpt-record-broken example.org tlsrpt-record-missing since 2026-12-01T08:27Z, "
                + "checked 2026-12-01T08:42Z reporters=tlsrpt watch incident=0be7ed3c");
    }

    /** A firing alert on example.org for the day-long window starting {@code day}, its counts left to the test. */
    private static Alert.Builder firing(String alertId, String kind, String severity, String resultType, String day) {
        Instant start = Instant.parse(day + "T00:00:00Z");
        Instant end = start.plus(1, ChronoUnit.DAYS);
        return Alert.newBuilder().setAlertId(alertId).setStatus("firing").setKind(kind).setSeverity(severity)
            .setPolicyDomain("example.org").setResultType(resultType).setWindowStart(start).setWindowEnd(end)
            .setSummary("s").setDetectedAt(end.plus(6, ChronoUnit.HOURS));
    }

    @Test
    void somethingElseIsShownNotDropped() {
        assertThat(AlertLine.format("not json {")).isEqualTo("ALERT (not an alert object) not json {");
        assertThat(AlertLine.format("{\"x\":1}")).isEqualTo("ALERT (not an alert object) {\"x\":1}");
        assertThat(AlertLine.format("x".repeat(600))).hasSize("ALERT (not an alert object) ".length() + 503);
    }
}

package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.processor.detect.AlertKind;
import io.tlsrpt.schema.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of the MX hosts' STARTTLS probes (--probe-mx), without a network. */
class MxTlsRulesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static PolicyPosture posture(int minute, String sts, List<MxTls> probes) {
        return posture(minute, sts, "none", probes);
    }

    private static PolicyPosture posture(int minute, String sts, String dane, List<MxTls> probes) {
        return new PolicyPosture("example.org", T0.plus(Duration.ofMinutes(minute)), "valid", List.of(), null, sts,
            "1", null, 86400L, List.of("*.example.org"), List.of(), null, dane,
            dane.equals("none") ? List.of() : List.of("mx1.example.org"), false, probes, null);
    }

    private static MxTls tls(String host, Duration validFor, boolean trusted, boolean nameMatches) {
        return new MxTls(host, null, "tls", T0.plus(validFor), trusted, nameMatches, "certificate CN=" + host, null, null,
            null);
    }

    /** A DANE-EE host, trusted by no CA (as is common), its certificate against its TLSA records. */
    private static MxTls dane(String host, String verdict) {
        return dane(host, verdict, Duration.ofDays(60));
    }

    private static MxTls dane(String host, String verdict, Duration validFor) {
        return new MxTls(host, null, "tls", T0.plus(validFor), false, true, "certificate CN=" + host, verdict,
            verdict.equals("match") ? "3 1 1" : null, verdict.equals("match") ? "the server's certificate matches TLSA 3 1 1"
                : "the certificate (CN=" + host + ") matches none of the 1 usable TLSA record(s) (3 1 1)");
    }

    private static MxTls without(String host, String outcome) {
        return new MxTls(host, null, outcome, null, false, false, outcome.equals("no-starttls")
            ? "EHLO lists no STARTTLS" : "connection refused", null, null, null);
    }

    private static final MxTls GOOD = tls("mx1.example.org", Duration.ofDays(60), true, true);
    private static final MxTls GOOD_MX2 = tls("mx2.example.org", Duration.ofDays(60), true, true);

    private static List<String> kinds(WatchStep step) {
        return step.alerts().stream().map(a -> a.getStatus() + " " + a.getKind()).toList();
    }

    @Test
    void aCertificateExpiringWithinTheWarningFiresAndRenewalResolvesIt() {
        WatchStep ok = WatchStep.apply(null, posture(0, "enforce", List.of(GOOD)));
        WatchStep soon = WatchStep.apply(ok.next(), posture(15, "enforce",
            List.of(GOOD, tls("mx2.example.org", Duration.ofDays(5), true, true))));
        WatchStep renewed = WatchStep.apply(soon.next(), posture(30, "enforce",
            List.of(GOOD, tls("mx2.example.org", Duration.ofDays(90), true, true))));

        assertThat(ok.alerts()).isEmpty();
        Alert expiring = soon.alerts().get(0);
        assertThat(kinds(soon)).containsExactly("firing certificate-expiring");
        assertThat(expiring.getSeverity()).isEqualTo("warning");
        assertThat(expiring.getResultType()).isEqualTo("certificate-expiring");
        assertThat(expiring.getTopReceivingMx()).containsExactly("mx2.example.org");
        assertThat(expiring.getSummary()).contains("mx2.example.org (not after 2026-12-06T08:00:00Z)", "within 14 days");
        assertThat(soon.changes()).anyMatch(c -> c.startsWith("mx_tls: "));
        assertThat(kinds(renewed)).containsExactly("resolved certificate-expiring");
    }

    @Test
    void anExpiredCertificateIsExpiredNotAlsoInvalid() {
        WatchStep expired = WatchStep.apply(null, posture(0, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(-2), false, true))));

        assertThat(kinds(expired)).containsExactly("firing certificate-expired");
        assertThat(expired.alerts().get(0).getSeverity()).isEqualTo("critical");
    }

    @Test
    void anUntrustedOrMisnamedCertificateMattersOnlyUnderMtaSts() {
        List<MxTls> misnamed = List.of(tls("mx1.example.org", Duration.ofDays(60), true, false));

        assertThat(kinds(WatchStep.apply(null, posture(0, "enforce", misnamed))))
            .containsExactly("firing certificate-invalid");
        assertThat(WatchStep.apply(null, posture(0, "enforce", misnamed)).alerts().get(0).getResultType())
            .isEqualTo("certificate-host-mismatch");
        assertThat(WatchStep.apply(null, posture(0, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(60), false, true)))).alerts().get(0).getResultType())
            .isEqualTo("certificate-not-trusted");
        assertThat(kinds(WatchStep.apply(null, posture(0, "missing", misnamed))))
            .as("opportunistic TLS does not check the certificate").isEmpty();
    }

    @Test
    void noStarttlsFiresAndAnUnreachableMxTellsNothing() {
        WatchStep plain = WatchStep.apply(null, posture(0, "enforce", List.of(GOOD,
            without("mx2.example.org", "no-starttls"))));
        WatchStep unreachable = WatchStep.apply(plain.next(), posture(15, "enforce", List.of(GOOD,
            without("mx2.example.org", "unreachable"))));
        WatchStep notProbed = WatchStep.apply(plain.next(), posture(15, "enforce", null));

        assertThat(kinds(plain)).containsExactly("firing starttls-unavailable");
        assertThat(plain.alerts().get(0).getResultType()).isEqualTo("starttls-not-supported");
        assertThat(unreachable.alerts()).as("port 25 closed from here is no finding").isEmpty();
        assertThat(unreachable.next().open()).containsKey(AlertKind.STARTTLS_UNAVAILABLE);
        assertThat(unreachable.unknownParts()).containsExactly("mx_tls");
        assertThat(unreachable.next().posture().mxTls()).as("the last known probes kept")
            .isEqualTo(plain.next().posture().mxTls());
        assertThat(notProbed.alerts()).as("probing switched off resolves nothing").isEmpty();
    }

    @Test
    void theProbesResumeFromThePostureRecord() {
        WatchStep soon = WatchStep.apply(null, posture(0, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(3), true, true), without("mx2.example.org", "unreachable"))));

        assertThat(PostureJson.read(PostureJson.write(soon))).isEqualTo(soon.next());
        assertThat(PostureJson.write(soon)).contains("\"mx_tls\":[{\"host\":\"mx1.example.org\",\"address\":null,\"outcome\":\"tls\","
            + "\"not_after\":\"2026-12-04T08:00:00Z\",\"trusted\":true,\"name_matches\":true");
    }

    @Test
    void aCertificateReplacedWithoutItsTlsaRecordsFiresUnderDnssecAndResolvesWhenTheyMatchAgain() {
        WatchStep ok = WatchStep.apply(null, posture(0, "missing", "authenticated",
            List.of(dane("mx1.example.org", "match"))));
        WatchStep replaced = WatchStep.apply(ok.next(), posture(15, "missing", "authenticated",
            List.of(dane("mx1.example.org", "mismatch"))));
        WatchStep resolverDown = WatchStep.apply(replaced.next(), posture(30, "missing", "dns-error",
            List.of(dane("mx1.example.org", "mismatch"))));
        WatchStep republished = WatchStep.apply(resolverDown.next(), posture(45, "missing", "authenticated",
            List.of(dane("mx1.example.org", "match"))));

        assertThat(ok.alerts()).as("DANE-EE: a certificate no CA trusts is no finding").isEmpty();
        assertThat(kinds(replaced)).containsExactly("firing dane-tlsa-mismatch");
        Alert mismatch = replaced.alerts().get(0);
        assertThat(mismatch.getSeverity()).isEqualTo("critical");
        assertThat(mismatch.getResultType()).isEqualTo("tlsa-invalid");
        assertThat(mismatch.getTopReceivingMx()).containsExactly("mx1.example.org");
        assertThat(mismatch.getSummary()).contains("matches none of the 1 usable TLSA record(s) (3 1 1)",
            "DNSSEC-authenticated");
        assertThat(replaced.changes()).anyMatch(c -> c.contains("dane-mismatch"));
        assertThat(resolverDown.alerts()).as("TLSA lookups failed: unknown, the incident stays open").isEmpty();
        assertThat(resolverDown.next().open()).containsKey(AlertKind.DANE_TLSA_MISMATCH);
        assertThat(kinds(republished)).containsExactly("resolved dane-tlsa-mismatch");
        assertThat(republished.alerts().get(0).getAlertId()).isEqualTo(mismatch.getAlertId());
    }

    @Test
    void aMismatchUnderUnsignedTlsaRecordsIsNoFinding() {
        WatchStep unsigned = WatchStep.apply(null, posture(0, "missing", "unauthenticated",
            List.of(dane("mx1.example.org", "mismatch"))));

        assertThat(unsigned.alerts()).as("senders ignore TLSA records without DNSSEC").isEmpty();
        assertThat(PostureJson.read(PostureJson.write(unsigned))).as("the verdict kept in the posture record")
            .isEqualTo(unsigned.next());
        assertThat(PostureJson.write(unsigned)).contains("\"dane\":\"mismatch\",\"dane_matched\":null,\"dane_detail\":\"the certificate");
    }

    @Test
    void anotherHostFailingTheSameWayIsSaidAnewUnderTheSameIncident() {
        MxTls mx1Soon = tls("mx1.example.org", Duration.ofDays(5), true, true);
        MxTls mx2Soon = tls("mx2.example.org", Duration.ofDays(6), true, true);
        WatchStep one = WatchStep.apply(null, posture(0, "enforce", List.of(mx1Soon, GOOD_MX2)));
        WatchStep two = WatchStep.apply(one.next(), posture(15, "enforce", List.of(mx1Soon, mx2Soon)));
        WatchStep same = WatchStep.apply(two.next(), posture(30, "enforce", List.of(mx1Soon, mx2Soon)));
        WatchStep oneRenewed = WatchStep.apply(same.next(), posture(45, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(90), true, true), mx2Soon)));

        assertThat(kinds(two)).containsExactly("firing certificate-expiring");
        Alert update = two.alerts().get(0);
        assertThat(update.getAlertId()).isEqualTo(one.alerts().get(0).getAlertId());
        assertThat(update.getWindowStart()).isEqualTo(T0);
        assertThat(update.getTopReceivingMx()).containsExactly("mx1.example.org", "mx2.example.org");
        assertThat(update.getSummary()).startsWith("Changed since 2026-12-01T08:00:00Z: certificate-expiring on");
        assertThat(same.alerts()).as("nothing new to say").isEmpty();
        assertThat(oneRenewed.alerts()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo("firing");
            assertThat(a.getTopReceivingMx()).containsExactly("mx2.example.org");
        });
        assertThat(PostureJson.read(PostureJson.write(two))).isEqualTo(two.next());
        WatchStep partial = WatchStep.apply(two.next(), posture(60, "enforce",
            List.of(mx1Soon, without("mx2.example.org", "unreachable"))));
        assertThat(partial.alerts()).as("a host not reached is no mended host").isEmpty();
        assertThat(partial.next().open().get(AlertKind.CERTIFICATE_EXPIRING).mxHosts())
            .containsExactly("mx1.example.org", "mx2.example.org");
    }

    @Test
    void anIncidentResumedWithoutItsHostsIsNotSaidAnewUntilTheyChange() {
        WatchStep soon = WatchStep.apply(null, posture(0, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(5), true, true))));
        // a posture record of the version before, whose open incidents did not keep their hosts
        String older = PostureJson.write(soon).replaceAll(",\"mx_hosts\":\\[[^]]*]", "");
        WatchedDomain resumed = PostureJson.read(older);

        WatchStep again = WatchStep.apply(resumed, posture(15, "enforce",
            List.of(tls("mx1.example.org", Duration.ofDays(5), true, true))));

        assertThat(older).doesNotContain("mx_hosts");
        assertThat(resumed.open().get(AlertKind.CERTIFICATE_EXPIRING).mxHosts()).isNull();
        assertThat(again.alerts()).isEmpty();
        assertThat(again.next().open().get(AlertKind.CERTIFICATE_EXPIRING).mxHosts()).containsExactly("mx1.example.org");
    }

    @Test
    void anExpiredCertificateMatchedByDaneEeStopsNoSenderWithoutMtaSts() {
        List<MxTls> expiredButPinned = List.of(dane("mx1.example.org", "match", Duration.ofDays(-3)));

        assertThat(WatchStep.apply(null, posture(0, "missing", "authenticated", expiredButPinned)).alerts())
            .as("DANE-EE checks the key, not the dates").isEmpty();
        assertThat(kinds(WatchStep.apply(null, posture(0, "enforce", "authenticated", expiredButPinned))))
            .as("MTA-STS senders check the dates").containsExactly("firing certificate-expired");
        assertThat(kinds(WatchStep.apply(null, posture(0, "missing", "none",
            List.of(tls("mx1.example.org", Duration.ofDays(-3), false, true))))))
            .as("without DANE, as before").containsExactly("firing certificate-expired");
    }

    @Test
    void eachAddressOfAHostIsJudgedAndNamed() {
        MxTls first = new MxTls("mx1.example.org", "192.0.2.1", "tls", T0.plus(Duration.ofDays(60)), true, true,
            "certificate CN=mx1.example.org", null, null, null);
        MxTls stale = new MxTls("mx1.example.org", "192.0.2.2", "tls", T0.plus(Duration.ofDays(3)), true, true,
            "certificate CN=mx1.example.org", null, null, null);

        WatchStep step = WatchStep.apply(null, posture(0, "enforce", List.of(first, stale)));

        assertThat(kinds(step)).containsExactly("firing certificate-expiring");
        assertThat(step.alerts().get(0).getSummary()).contains("mx1.example.org at 192.0.2.2 (not after")
            .doesNotContain("192.0.2.1");
        assertThat(step.alerts().get(0).getTopReceivingMx()).containsExactly("mx1.example.org");
        assertThat(PostureJson.read(PostureJson.write(step))).isEqualTo(step.next());
        assertThat(PostureJson.write(step)).contains("\"host\":\"mx1.example.org\",\"address\":\"192.0.2.2\"");
    }
}

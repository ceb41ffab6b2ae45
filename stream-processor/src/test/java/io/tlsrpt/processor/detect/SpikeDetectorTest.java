package io.tlsrpt.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpikeDetectorTest {

    private final SpikeDetector detector = new SpikeDetector(DetectorSettings.defaults());

    private static List<WindowCounts> days(int n, long failed, long total) {
        return Collections.nCopies(n, new WindowCounts(failed, total));
    }

    @Test
    void starttlsRisingFromZeroIsASuspectedDowngrade() {
        Evaluation e = detector.evaluate("starttls-not-supported", new WindowCounts(40, 10_000), days(7, 0, 10_000));
        assertThat(e.anomalous()).as(e.reason()).isTrue();
        assertThat(e.kind()).isEqualTo(AlertKind.STARTTLS_DOWNGRADE_SUSPECTED);
        assertThat(e.kind().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(e.expected()).isLessThan(0.2);
        assertThat(e.score()).isGreaterThan(6);
    }

    @Test
    void starttlsRisingOnADomainThatAlwaysHadSomeIsNotADowngrade() {
        Evaluation e = detector.evaluate("starttls-not-supported", new WindowCounts(500, 10_000), days(7, 50, 10_000));
        assertThat(e.anomalous()).isTrue();
        assertThat(e.kind()).isEqualTo(AlertKind.STARTTLS_UNAVAILABLE);
    }

    @Test
    void trafficSurgeWithTheSameRatioDoesNotFire() {
        Evaluation e = detector.evaluate("certificate-expired", new WindowCounts(200, 100_000), days(7, 20, 10_000));
        assertThat(e.anomalous()).as(e.reason()).isFalse();
        assertThat(e.expected()).isBetween(190.0, 210.0);
    }

    /** Recovery is a rate back under the floor, judged on enough baseline windows; not merely "not firing". */
    @Test
    void aVerdictSaysTheFailureIsOverOnlyWithTheRateUnderTheFloorAndEnoughBaseline() {
        assertThat(detector.evaluate("certificate-expired", new WindowCounts(9, 9), days(7, 0, 12)))
                .as("every session failing, too few to fire on").satisfies(e -> {
                    assertThat(e.anomalous()).isFalse();
                    assertThat(e.recovered()).isFalse();
                });
        assertThat(detector.evaluate("certificate-expired", new WindowCounts(0, 12), days(7, 0, 12)).recovered())
                .as("clean").isTrue();
        assertThat(detector.evaluate("certificate-expired", new WindowCounts(0, 12), days(2, 0, 12)).recovered())
                .as("two baseline windows: nothing to judge by").isFalse();
        assertThat(detector.evaluate("certificate-expired", new WindowCounts(0, 0), days(7, 0, 12)).recovered())
                .as("no sessions").isFalse();
    }

    @Test
    void fewFailuresOnAQuietDomainDoNotFire() {
        Evaluation e = detector.evaluate("certificate-expired", new WindowCounts(3, 20), days(7, 0, 20));
        assertThat(e.anomalous()).isFalse();
        assertThat(e.reason()).contains("minimum");
    }

    @Test
    void smallRelativeRiseOnAHugeDomainIsSignificantButUnderTheFloor() {
        Evaluation e = detector.evaluate("validation-failure", new WindowCounts(12_000, 1_000_000),
                days(7, 10_000, 1_000_000));
        assertThat(e.score()).isGreaterThan(6);
        assertThat(e.anomalous()).isFalse();
        assertThat(e.reason()).contains("baseline");
    }

    /**
     * A small domain (or one reporter's share of it) whose sessions all went without an enforced policy all week: the
     * prior pulls its baseline rate to 0.30, so the same rate again looked like a threefold rise; the history's own
     * rate, 1.0, holds the floor.
     */
    @Test
    void theSameHighRateOnASmallDomainIsNoRiseThoughThePriorPullsItsBaselineDown() {
        Evaluation e = detector.evaluate(PolicyEnforcement.NOT_ENFORCED, new WindowCounts(60, 60), days(7, 60, 60));
        assertThat(e.baselineRate()).isBetween(0.29, 0.31);
        assertThat(e.score()).isGreaterThan(6);
        assertThat(e.anomalous()).as(e.reason()).isFalse();
        assertThat(e.reason()).contains("under 3.0 x baseline 1.00000");

        Evaluation chronic = detector.evaluate("certificate-not-trusted", new WindowCounts(30, 60), days(7, 15, 60));
        assertThat(chronic.anomalous()).as("a quarter of the sessions all week, now half: %s", chronic.reason())
                .isFalse();

        Evaluation withdrawn = detector.evaluate(PolicyEnforcement.NOT_ENFORCED, new WindowCounts(60, 60),
                days(7, 0, 60));
        assertThat(withdrawn.anomalous()).as("the same small domain after a clean week: %s", withdrawn.reason())
                .isTrue();
    }

    @Test
    void noFiringWithoutEnoughBaselineWindows() {
        Evaluation e = detector.evaluate("certificate-expired", new WindowCounts(500, 1000), days(2, 0, 1000));
        assertThat(e.anomalous()).isFalse();
        assertThat(e.reason()).contains("baseline windows");
    }

    @Test
    void priorKeepsAZeroBaselineFinite() {
        Evaluation e = detector.evaluate("certificate-expired", new WindowCounts(10, 1_000_000), days(7, 0, 1_000_000));
        assertThat(e.baselineRate()).isGreaterThan(0);
        assertThat(e.score()).isFinite();
    }

    @Test
    void resultTypesMapToOperatorActions() {
        assertThat(AlertKind.forResultType("certificate-host-mismatch", 0, 0.001)).isEqualTo(AlertKind.CERTIFICATE_INVALID);
        assertThat(AlertKind.forResultType("sts-policy-fetch-error", 0, 0.001)).isEqualTo(AlertKind.MTA_STS_POLICY_UNREACHABLE);
        assertThat(AlertKind.forResultType("sts-policy-invalid", 0, 0.001)).isEqualTo(AlertKind.MTA_STS_POLICY_INVALID);
        assertThat(AlertKind.forResultType("sts-webpki-invalid", 0, 0.001)).isEqualTo(AlertKind.MTA_STS_CERTIFICATE_INVALID);
        assertThat(AlertKind.forResultType("tlsa-invalid", 0, 0.001)).isEqualTo(AlertKind.DANE_TLSA_MISMATCH);
        assertThat(AlertKind.forResultType("dane-required", 0, 0.001)).isEqualTo(AlertKind.DANE_TLSA_MISMATCH);
        assertThat(AlertKind.forResultType("dnssec-invalid", 0, 0.001)).isEqualTo(AlertKind.DNSSEC_BROKEN);
        assertThat(AlertKind.forResultType("something-new", 0, 0.001)).isEqualTo(AlertKind.FAILURE_SPIKE);
        assertThat(AlertKind.MTA_STS_POLICY_UNREACHABLE.code()).isEqualTo("mta-sts-policy-unreachable");
        assertThat(AlertKind.fromCode("dnssec-broken")).isEqualTo(AlertKind.DNSSEC_BROKEN);
    }
}

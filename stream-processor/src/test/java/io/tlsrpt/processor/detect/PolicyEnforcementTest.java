package io.tlsrpt.processor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyEnforcementTest {

    private static List<String> sts(String modeLine) {
        return List.of("version: STSv1", modeLine, "mx: *.example.org", "max_age: 604800");
    }

    @Test
    void noPolicyFoundAndMtaStsInTestingOrNoneModeAreNotEnforced() {
        assertThat(PolicyEnforcement.notEnforced("no-policy-found", List.of())).isTrue();
        assertThat(PolicyEnforcement.notEnforced("NO-POLICY-FOUND", null)).isTrue();
        assertThat(PolicyEnforcement.notEnforced("sts", sts("mode: testing"))).isTrue();
        assertThat(PolicyEnforcement.notEnforced("sts", sts("mode: none"))).isTrue();
        assertThat(PolicyEnforcement.notEnforced("sts", sts("  Mode :Testing "))).as("spacing and case").isTrue();
    }

    @Test
    void enforcedOrUnknownPoliciesAreNotCounted() {
        assertThat(PolicyEnforcement.notEnforced("sts", sts("mode: enforce"))).isFalse();
        assertThat(PolicyEnforcement.notEnforced("sts", List.of()))
                .as("a policy reported without its lines (fetch error): no evidence of a weaker mode").isFalse();
        assertThat(PolicyEnforcement.notEnforced("sts", null)).isFalse();
        assertThat(PolicyEnforcement.notEnforced("sts", List.of("version: STSv1", "max_age: 1"))).isFalse();
        assertThat(PolicyEnforcement.notEnforced("tlsa", List.of("3 1 1 ABCD"))).isFalse();
        assertThat(PolicyEnforcement.notEnforced("something-new", List.of())).isFalse();
        assertThat(PolicyEnforcement.notEnforced(null, List.of())).isFalse();
        assertThat(PolicyEnforcement.notEnforced("sts", sts("mx: mode.example.org"))).as("no mode line").isFalse();
    }

    @Test
    void tlsaAndMtaStsInEnforceModeAreEnforced() {
        assertThat(PolicyEnforcement.enforced("tlsa", List.of("3 1 1 ABCD"))).isTrue();
        assertThat(PolicyEnforcement.enforced("sts", sts("mode: enforce"))).isTrue();
        assertThat(PolicyEnforcement.enforced("sts", sts("mode: testing"))).isFalse();
        assertThat(PolicyEnforcement.enforced("sts", List.of())).as("not known").isFalse();
        assertThat(PolicyEnforcement.enforced("no-policy-found", List.of())).isFalse();
        assertThat(PolicyEnforcement.enforced(null, null)).isFalse();
    }

    @Test
    void aReportCannotPoseAsThePseudoResultType() {
        assertThat(PolicyEnforcement.asReported("policy-not-enforced")).isEqualTo("reported-policy-not-enforced");
        assertThat(PolicyEnforcement.asReported("certificate-expired")).isEqualTo("certificate-expired");
    }

    @Test
    void itsAlertKindSaysWhatHappenedToTheSessions() {
        AlertKind kind = AlertKind.forResultType(PolicyEnforcement.NOT_ENFORCED, 0.0, 0.001);
        assertThat(kind).isEqualTo(AlertKind.TLS_POLICY_NOT_ENFORCED);
        assertThat(kind.code()).isEqualTo("tls-policy-not-enforced");
        assertThat(kind.severity()).isEqualTo(Severity.WARNING);
        assertThat(kind.outcome(PolicyEnforcement.NOT_ENFORCED)).startsWith("were delivered under no enforced policy");
        assertThat(AlertKind.CERTIFICATE_EXPIRED.outcome("certificate-expired"))
                .isEqualTo("failed with certificate-expired");
    }
}

package io.tlsrpt.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.cli.check.ReportUriProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A posture record as tlsrpt posture prints it, from what the watch writes. */
class PostureTextTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    private static JsonNode written(WatchStep step) throws Exception {
        return new ObjectMapper().readTree(PostureJson.write(step));
    }

    @Test
    void aDomainWithAnExpiringMxCertificateAndADeadRua() throws Exception {
        PolicyPosture posture = new PolicyPosture("example.org", T0, "valid", List.of("mailto:tlsrpt@nomail.test"),
            null, "enforce", "20261201", null, 604800L, List.of("*.example.org"), List.of(), null, "none", List.of(),
            false, List.of(new MxTls("mx1.example.org", "192.0.2.2", "tls", T0.plus(Duration.ofDays(3)), true, true,
                "certificate CN=mx1.example.org", null, null, null)),
            List.of(new ReportUriProbe.Result("mailto:tlsrpt@nomail.test", ReportUriProbe.Outcome.UNREACHABLE,
                "nomail.test publishes a null MX (MX 0 .): it takes no mail")));
        JsonNode p = written(WatchStep.apply(null, posture));

        assertThat(PostureText.line(p)).startsWith("example.org").contains("checked 2026-12-01T08:00:00Z",
            "tls-rpt valid", "mta-sts enforce", "dane none", "open: tlsrpt-rua-unreachable, certificate-expiring");
        assertThat(PostureText.full(p)).contains(
            "example.org: checked 2026-12-01T08:00:00Z, enforced policy: yes\n",
            "  _smtp._tls: valid\n    rua mailto:tlsrpt@nomail.test: unreachable (nomail.test publishes a null MX",
            "  MTA-STS: enforce, id 20261201, max_age 604800 s, mx *.example.org\n",
            "  DANE: none\n",
            "  MX mx1.example.org at 192.0.2.2: tls, certificate until 2026-12-04T08:00:00Z, trusted (certificate",
            "    warning certificate-expiring (certificate-expiring) since 2026-12-01T08:00:00Z on mx1.example.org, "
                + "alert_id ");
    }

    @Test
    void aDomainNotProbedWithNothingOpen() throws Exception {
        PolicyPosture posture = new PolicyPosture("quiet.example", T0, "valid", List.of("mailto:a@quiet.example"), null,
            "missing", null, null, null, List.of(), List.of(), null, "none", List.of(), false, null, null);
        JsonNode p = written(WatchStep.apply(null, posture));

        assertThat(PostureText.line(p)).endsWith("no open incident");
        assertThat(PostureText.full(p)).contains("enforced policy: no", "    rua mailto:a@quiet.example (not checked)",
            "  MTA-STS: missing\n", "  MX hosts: not probed (--probe-mx)\n", "  no open incident\n");
    }
}

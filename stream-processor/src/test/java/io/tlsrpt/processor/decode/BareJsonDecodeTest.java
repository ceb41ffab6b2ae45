package io.tlsrpt.processor.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The first path through the decoder: one bare JSON report, the RFC 8460 Appendix B example. */
class BareJsonDecodeTest {

    private final ReportDecoder decoder = new ReportDecoder();

    @Test
    void decodesTheRfcAppendixExample() {
        DecodeResult result = decoder.decode(Corpus.real("rfc8460-appendix-b.json"),
            DecodeHints.of("application/tlsrpt+json", "rfc8460-appendix-b.json"));

        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        TlsReport report = ((DecodeResult.Decoded) result).reports().get(0);
        assertThat(report.getOrganizationName()).isEqualTo("Company-X");
        assertThat(report.getReportId()).isEqualTo("5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        assertThat(report.getStart()).isEqualTo(Instant.parse("2016-04-01T00:00:00Z"));
        assertThat(report.getEnd()).isEqualTo(Instant.parse("2016-04-01T23:59:59Z"));
        Policy policy = report.getPolicies().get(0);
        assertThat(policy.getPolicyDomain()).isEqualTo("company-y.example");
        assertThat(policy.getSuccessfulSessions()).isEqualTo(5326L);
        assertThat(policy.getFailedSessions()).isEqualTo(303L);
        assertThat(policy.getFailureDetails()).extracting(FailureDetail::getResultType)
            .containsExactly("certificate-expired", "starttls-not-supported", "validation-failure");
        assertThat(report.getDeviations()).containsExactly("additional-information-spaces");
        assertThat(report.getDedupKey()).hasSize(64);
    }
}

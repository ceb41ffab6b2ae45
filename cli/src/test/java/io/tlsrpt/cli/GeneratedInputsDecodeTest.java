package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tlsrpt.generate.ExpectedReport;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.generate.Scenario;
import io.tlsrpt.processor.decode.DecodeHints;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.FailureDetail;
import io.tlsrpt.schema.Policy;
import io.tlsrpt.schema.TlsReport;
import org.junit.jupiter.api.Test;

/** Every generated input goes through the project's real decoder and yields exactly the counts it was built with. */
class GeneratedInputsDecodeTest {

    private final ReportDecoder decoder = new ReportDecoder();

    @Test
    void everyGeneratedInputDecodesToItsExpectedReport() {
        List<Scenario> scenarios = List.of(
            Scenario.parse(Scenario.Kind.DOWNGRADE, "victim.example@3", GeneratorSettings.DEFAULT_START_DATE),
            Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "acme.example@4", GeneratorSettings.DEFAULT_START_DATE),
            Scenario.parse(Scenario.Kind.STS_FETCH_ERROR, "globex.example@5", GeneratorSettings.DEFAULT_START_DATE));
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(7).withDomains(15)
            .withScenarios(scenarios));
        int checked = 0;
        for (GeneratedInput input : (Iterable<GeneratedInput>) gen.inputs()::iterator) {
            DecodeResult result = decoder.decode(input.bytes(), new DecodeHints(input.contentType(), input.fileName(),
                "cli", Instant.parse("2026-01-01T00:00:00Z"), input.fileName(), null));
            assertThat(result).as("%s", input.fileName()).isInstanceOf(DecodeResult.Decoded.class);
            List<TlsReport> reports = ((DecodeResult.Decoded) result).reports();
            assertThat(reports).hasSize(1);
            TlsReport report = reports.get(0);
            ExpectedReport expected = input.expected();
            assertThat(report.getOrganizationName()).isEqualTo(expected.organizationName());
            assertThat(report.getReportId()).isEqualTo(expected.reportId());
            assertThat(report.getStart()).isEqualTo(expected.day().atStartOfDay(ZoneOffset.UTC).toInstant());
            assertThat(report.getPolicies()).hasSize(expected.policies().size());
            for (int i = 0; i < report.getPolicies().size(); i++) {
                Policy policy = report.getPolicies().get(i);
                ExpectedReport.ExpectedPolicy e = expected.policies().get(i);
                assertThat(policy.getPolicyType()).isEqualTo(e.type());
                assertThat(policy.getPolicyDomain()).isEqualTo(e.domain());
                assertThat(policy.getSuccessfulSessions()).isEqualTo(e.successful());
                assertThat(policy.getFailedSessions()).isEqualTo(e.failed());
                Map<String, Long> byType = new LinkedHashMap<>();
                for (FailureDetail d : policy.getFailureDetails()) {
                    byType.merge(d.getResultType(), d.getFailedSessions(), Long::sum);
                }
                assertThat(byType).as("%s policy %d", input.fileName(), i).isEqualTo(e.failedByResultType());
                if (input.kind() == InputKind.MICROSOFT_MAIL && "tlsa".equals(e.type())) {
                    assertThat(policy.getPolicyStrings()).hasSize(2).allMatch(s -> s.startsWith("3 1 1 "));
                }
            }
            checked++;
        }
        assertThat(checked).isEqualTo(7 * 15 * 3);
    }
}

package io.tlsrpt.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate START = GeneratorSettings.DEFAULT_START_DATE;

    @Test
    void sameSettingsGiveTheSameBytesAndAnotherSeedOtherBytes() throws Exception {
        GeneratorSettings settings = GeneratorSettings.defaults().withDays(3);
        assertThat(digest(new ReportGenerator(settings))).isEqualTo(digest(new ReportGenerator(settings)));
        assertThat(digest(new ReportGenerator(settings.withSeed(7)))).isNotEqualTo(digest(new ReportGenerator(settings)));
    }

    @Test
    void yieldsOneInputPerReporterDomainAndDayInEventOrder() {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(4).withDomains(3));
        List<GeneratedInput> inputs = gen.inputs().toList();
        assertThat(inputs).hasSize(4 * 3 * 3).hasSize((int) gen.inputCount());
        assertThat(inputs).extracting(i -> i.expected().dayNumber()).isSorted();
        assertThat(inputs).extracting(GeneratedInput::kind).contains(InputKind.GOOGLE_MAIL, InputKind.MICROSOFT_MAIL);
        assertThat(inputs.stream().filter(i -> i.kind() == InputKind.HTTPS_GZIP || i.kind() == InputKind.HTTPS_JSON))
            .hasSize(12);
    }

    @Test
    void everyInputIsWellFormedAndCarriesItsExpectedCounts() throws Exception {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(7).withDomains(12));
        try (Stream<GeneratedInput> inputs = gen.inputs()) {
            for (GeneratedInput input : (Iterable<GeneratedInput>) inputs::iterator) {
                JsonNode report = reportJson(input);
                ExpectedReport expected = input.expected();
                assertThat(report.path("organization-name").asText()).isEqualTo(expected.organizationName());
                assertThat(report.path("report-id").asText()).isEqualTo(expected.reportId());
                assertThat(report.path("date-range").path("start-datetime").asText())
                    .startsWith(expected.day() + "T00:00:00");
                JsonNode policies = report.path("policies");
                assertThat(policies.size()).isEqualTo(expected.policies().size());
                for (int p = 0; p < policies.size(); p++) {
                    JsonNode policy = policies.get(p);
                    ExpectedReport.ExpectedPolicy e = expected.policies().get(p);
                    assertThat(policy.path("policy").path("policy-type").asText()).isEqualTo(e.type());
                    assertThat(policy.path("summary").path("total-successful-session-count").asLong())
                        .isEqualTo(e.successful()).isNotNegative();
                    assertThat(policy.path("summary").path("total-failure-session-count").asLong())
                        .isEqualTo(e.failed());
                    Map<String, Long> byType = new LinkedHashMap<>();
                    policy.path("failure-details").forEach(d -> byType.merge(d.path("result-type").asText(),
                        d.path("failed-session-count").asLong(), Long::sum));
                    assertThat(byType).isEqualTo(e.failedByResultType());
                }
            }
        }
    }

    @Test
    void mailsAreShapedLikeGooglesAndMicrosofts() throws Exception {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(1).withDomains(1));
        List<GeneratedInput> inputs = gen.inputs().toList();
        String domain = gen.domainNames().get(0);

        MimeMessage google = parseMail(inputs.get(0));
        assertThat(inputs.get(0).kind()).isEqualTo(InputKind.GOOGLE_MAIL);
        assertThat(google.getSubject()).isEqualTo("Report Domain: " + domain + " Submitter: google.com Report-ID: <"
            + "2025.01.01T00.00.00Z+" + domain + "@google.com>");
        assertThat(google.getHeader("TLS-Report-Domain", null)).isEqualTo(domain);
        assertThat(google.getHeader("TLS-Report-Submitter", null)).isEqualTo("google.com");
        ContentType type = new ContentType(google.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");
        Multipart parts = (Multipart) google.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        BodyPart report = parts.getBodyPart(1);
        assertThat(report.isMimeType("application/tlsrpt+gzip")).isTrue();
        assertThat(report.getFileName()).matches("google\\.com!" + domain.replace(".", "\\.")
            + "!1735689600!1735775999!001\\.json\\.gz");

        MimeMessage microsoft = parseMail(inputs.get(1));
        assertThat(microsoft.getSubject()).matches("Report Domain: " + domain.replace(".", "\\.")
            + " Submitter: microsoft\\.com Report-ID:\\s+\\d{18}\\+" + domain.replace(".", "\\."));
        Multipart msParts = (Multipart) microsoft.getContent();
        assertThat(msParts.getBodyPart(0).isMimeType("text/html")).isTrue();
        assertThat(msParts.getBodyPart(1).isMimeType("application/tlsrpt+gzip")).isTrue();
        JsonNode msReport = reportJson(inputs.get(1));
        assertThat(msReport.path("date-range").path("start-datetime").asText()).isEqualTo("2025-01-01T00:00:00");
    }

    /** Also: a fifth of the domains publish no MTA-STS policy, and Google names them in its no-policy-found. */
    @Test
    void microsoftDoubleEncodesTlsaAndPostfixLeavesNoPolicyFoundWithoutDomain() throws Exception {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(1).withDomains(20));
        boolean sawTlsa = false;
        boolean sawNoPolicy = false;
        Set<String> googleWithoutMtaSts = new TreeSet<>();
        for (GeneratedInput input : gen.inputs().toList()) {
            for (JsonNode policy : reportJson(input).path("policies")) {
                JsonNode p = policy.path("policy");
                if (input.kind() == InputKind.MICROSOFT_MAIL && p.path("policy-type").asText().equals("tlsa")) {
                    sawTlsa = true;
                    assertThat(p.path("policy-string").size()).isEqualTo(1);
                    assertThat(JSON.readTree(p.path("policy-string").get(0).asText()).isArray()).isTrue();
                }
                if (p.path("policy-type").asText().equals("no-policy-found")) {
                    sawNoPolicy = true;
                    if (input.kind() == InputKind.GOOGLE_MAIL) {
                        googleWithoutMtaSts.add(p.path("policy-domain").asText());
                    } else if (input.kind() != InputKind.MICROSOFT_MAIL) {
                        assertThat(input.kind()).isIn(InputKind.HTTPS_GZIP, InputKind.HTTPS_JSON);
                        assertThat(p.has("policy-domain")).isFalse();
                    }
                }
            }
        }
        assertThat(sawTlsa).isTrue();
        assertThat(sawNoPolicy).isTrue();
        assertThat(googleWithoutMtaSts).hasSizeBetween(1, 10).allMatch(d -> d.endsWith(".example"));
    }

    @Test
    void downgradeJumpsFromNearZeroToALargeShareSeenByEveryReporterAndManyIps() throws Exception {
        Scenario downgrade = Scenario.parse(Scenario.Kind.DOWNGRADE, "victim.example@20", START);
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withScenarios(List.of(downgrade)));
        assertThat(gen.domainNames()).startsWith("victim.example").hasSize(5);
        Map<Integer, long[]> perDay = new LinkedHashMap<>();   // day -> {starttls failures, sessions}
        List<String> reportersOnDay20 = new ArrayList<>();
        java.util.Set<String> ipsOnDay20 = new java.util.HashSet<>();
        for (GeneratedInput input : gen.inputs().toList()) {
            for (JsonNode policy : reportJson(input).path("policies")) {
                if (!"victim.example".equals(policy.path("policy").path("policy-domain").asText())
                    || !"sts".equals(policy.path("policy").path("policy-type").asText())) {
                    continue;
                }
                long[] counts = perDay.computeIfAbsent(input.expected().dayNumber(), d -> new long[2]);
                counts[1] += policy.path("summary").path("total-successful-session-count").asLong()
                    + policy.path("summary").path("total-failure-session-count").asLong();
                for (JsonNode d : policy.path("failure-details")) {
                    if (d.path("result-type").asText().equals("starttls-not-supported")) {
                        counts[0] += d.path("failed-session-count").asLong();
                        if (input.expected().dayNumber() == 20) {
                            reportersOnDay20.add(input.expected().organizationName());
                            ipsOnDay20.add(d.path("sending-mta-ip").asText());
                        }
                    }
                }
            }
        }
        perDay.forEach((day, c) -> {
            if (day == 20) {
                assertThat((double) c[0] / c[1]).isBetween(0.3, 0.65);
            } else {
                assertThat(c[0]).as("starttls-not-supported on day %d", day).isZero();
            }
        });
        assertThat(reportersOnDay20.stream().distinct()).hasSize(3);
        assertThat(ipsOnDay20).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void healthyTrafficHasOnlyALowBackgroundOfFailures() {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDomains(20));
        long failed = 0;
        long total = 0;
        Map<String, Long> types = new LinkedHashMap<>();
        for (GeneratedInput input : gen.inputs().toList()) {
            failed += input.expected().failedSessions();
            total += input.expected().failedSessions() + input.expected().successfulSessions();
            input.expected().policies().forEach(p -> p.failedByResultType().forEach((k, v) -> types.merge(k, v,
                Long::sum)));
        }
        assertThat((double) failed / total).isGreaterThan(0).isLessThan(0.01);
        assertThat(types.keySet()).doesNotContain("starttls-not-supported", "certificate-expired")
            .contains("certificate-not-trusted");
    }

    @Test
    void certificateExpiryAndStsFetchErrorsAppearOnTheirDays() {
        List<Scenario> scenarios = List.of(
            Scenario.parse(Scenario.Kind.CERTIFICATE_EXPIRY, "acme.example@2025-01-10", START),
            Scenario.parse(Scenario.Kind.STS_FETCH_ERROR, "globex.example@5+1", START));
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(15).withScenarios(scenarios));
        Map<String, Long> expiredByDay = new LinkedHashMap<>();
        Map<String, Long> fetchByDay = new LinkedHashMap<>();
        for (GeneratedInput input : gen.inputs().toList()) {
            for (ExpectedReport.ExpectedPolicy p : input.expected().policies()) {
                String key = p.domain() + "@" + input.expected().dayNumber();
                expiredByDay.merge(key, p.failedByResultType().getOrDefault("certificate-expired", 0L), Long::sum);
                fetchByDay.merge(key, p.failedByResultType().getOrDefault("sts-policy-fetch-error", 0L), Long::sum);
            }
        }
        assertThat(expiredByDay.get("acme.example@9")).isZero();
        assertThat(expiredByDay.get("acme.example@10")).isPositive();
        assertThat(expiredByDay.get("acme.example@12")).isPositive();
        assertThat(expiredByDay.get("acme.example@13")).isZero();
        assertThat(fetchByDay.get("globex.example@5")).isGreaterThan(fetchByDay.get("globex.example@4") * 10 + 10);
    }

    @Test
    void aWithdrawnStsPolicyTurnsTheDomainsPoliciesIntoNoPolicyFoundOnItsDays() {
        List<Scenario> scenarios = List.of(Scenario.parse(Scenario.Kind.STS_WITHDRAWN, "acme.example@6", START));
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(9).withScenarios(scenarios));
        Map<Integer, Map<String, Long>> sessionsByDayAndType = new TreeMap<>();
        for (GeneratedInput input : gen.inputs().toList()) {
            for (ExpectedReport.ExpectedPolicy p : input.expected().policies()) {
                if ("acme.example".equals(p.domain())) {
                    sessionsByDayAndType.computeIfAbsent(input.expected().dayNumber(), d -> new TreeMap<>())
                        .merge(p.type(), p.successful() + p.failed(), Long::sum);
                }
            }
        }
        assertThat(sessionsByDayAndType.get(5)).containsKey("sts").doesNotContainKey("no-policy-found");
        for (int day : List.of(6, 7)) {
            assertThat(sessionsByDayAndType.get(day)).as("day %d", day).containsKey("no-policy-found")
                .doesNotContainKey("sts");
        }
        assertThat(sessionsByDayAndType.get(8)).containsKey("sts").doesNotContainKey("no-policy-found");
    }

    @Test
    void writesFilesThatSortInEventOrder(@TempDir Path dir) throws Exception {
        ReportGenerator gen = new ReportGenerator(GeneratorSettings.defaults().withDays(12).withDomains(2));
        assertThat(gen.writeTo(dir)).isEqualTo(72);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSize(72);
        assertThat(dir.relativize(files.get(0)).toString()).startsWith("day-01/");
        assertThat(dir.relativize(files.get(71)).toString()).startsWith("day-12/");
        assertThat(files).allSatisfy(f -> assertThat(f.getFileName().toString()).matches(".*\\.(eml|json|json\\.gz)"));
    }

    @Test
    void rejectsBadScenarioSpecs() {
        assertThatThrownBy(() -> Scenario.parse(Scenario.Kind.DOWNGRADE, "acme.example", START))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Scenario.parse(Scenario.Kind.DOWNGRADE, "acme.example@x", START))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Scenario.parse(Scenario.Kind.DOWNGRADE, "acme.example@2024-12-01", START))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GeneratorSettings.defaults().withScenarios(
            List.of(Scenario.parse(Scenario.Kind.DOWNGRADE, "acme.example@31", START))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    /** The report JSON of an input, extracted independently of the project's decoder (jakarta.mail + gzip). */
    static JsonNode reportJson(GeneratedInput input) throws Exception {
        byte[] body = input.bytes();
        if (input.kind() == InputKind.GOOGLE_MAIL || input.kind() == InputKind.MICROSOFT_MAIL) {
            Multipart parts = (Multipart) parseMail(input).getContent();
            BodyPart report = null;
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType("application/tlsrpt+gzip")) {
                    report = parts.getBodyPart(i);
                }
            }
            assertThat(report).as("report part of %s", input.fileName()).isNotNull();
            try (InputStream in = report.getInputStream()) {
                body = in.readAllBytes();
            }
        }
        if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            }
        }
        return JSON.readTree(body);
    }

    static MimeMessage parseMail(GeneratedInput input) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(input.bytes()));
    }

    private static String digest(ReportGenerator gen) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        gen.inputs().forEach(i -> {
            sha.update(i.fileName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(i.bytes());
        });
        return HexFormat.of().formatHex(sha.digest());
    }
}

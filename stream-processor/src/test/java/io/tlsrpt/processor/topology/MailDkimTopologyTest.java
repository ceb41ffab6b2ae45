package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * mail.dkim.required: a mail report counts only with the connector's DKIM pass (tlsrpt.dkim) by its reporting
 * domain; other mails are dead-lettered as {@code dkim-failed}. Without it, every mail counts and its report carries
 * the verdict.
 */
class MailDkimTopologyTest {

    private static final Instant ARRIVAL = Instant.parse("2024-09-16T12:00:00Z");
    private static final String MAIL = "message/rfc822";

    private static byte[] corpus(String name) {
        try (InputStream in = MailDkimTopologyTest.class.getResourceAsStream("/corpus/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TopologyFixture fixture(boolean required) {
        return new TopologyFixture(TopologySettings.defaults("mock://dkim-" + UUID.randomUUID())
                .withMailDkimRequired(required));
    }

    private static String dead(TopologyFixture f) {
        List<TestRecord<String, byte[]>> dead = f.deadLetter.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("dkim-failed");
        return new String(dead.get(0).headers().lastHeader(DeadLetters.MESSAGE).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aMailSignedByItsReportingDomainCounts() {
        try (TopologyFixture f = fixture(true)) {
            f.send(corpus("google-2024-09-15.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "pass d=google.com s=20230601"));
            // Mail.ru signs with its mail domain, corp.mail.ru, for the submitter mail.ru
            f.send(corpus("mailru-2023-01-25.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "pass d=corp.mail.ru s=mail4"));
            // a report over HTTPS is not a mail: no signature to ask for
            f.send(corpus("rfc8460-appendix-b.json"), ARRIVAL, "https");
            assertThat(f.deadLetter.readRecordsToList()).isEmpty();
            List<TlsReport> reports = f.reports.readValuesToList();
            assertThat(reports).hasSize(3);
            assertThat(reports.get(0).getProvenance().getDkim()).isEqualTo("pass d=google.com s=20230601");
            assertThat(reports.get(2).getProvenance().getDkim()).isNull();
        }
    }

    @Test
    void aMailThatFailedOrWasNotCheckedIsDeadLettered() {
        try (TopologyFixture f = fixture(true)) {
            f.send(corpus("google-2024-09-15.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "fail d=google.com s=20230601 (body hash mismatch: the body was changed after"
                            + " signing)"));
            assertThat(dead(f)).startsWith("mail report 2024-09-15T00:00:00Z_krvtz.net of Google Inc.: DKIM"
                    + " fail d=google.com s=20230601 (body hash mismatch");
            f.send(corpus("microsoft-2024-09-13-sts-tlsa.eml"), ARRIVAL, "imap", MAIL);
            assertThat(dead(f)).contains("carries no DKIM verdict");
            f.send(corpus("mailru-2023-01-25.eml"), ARRIVAL, "spool", MAIL,
                    Map.of("tlsrpt.dkim", "temperror d=corp.mail.ru s=mail4 (DNS: timed out)"));
            assertThat(dead(f)).contains("DKIM temperror d=corp.mail.ru");
            assertThat(f.reports.readValuesToList()).isEmpty();
        }
    }

    /** Anyone can DKIM-sign mail from their own domain: a forger's valid signature is not the reporter's. */
    @Test
    void aValidSignatureByAnotherDomainIsNotTheReporters() {
        try (TopologyFixture f = fixture(true)) {
            f.send(corpus("google-2024-09-15.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "pass d=forger.example s=s1"));
            assertThat(dead(f)).contains("is signed by d=forger.example, not by its reporting domain google.com");
            f.send(corpus("google-2024-09-15.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "pass d=notgoogle.com s=s1"));
            assertThat(dead(f)).as("a label boundary, not a string suffix").contains("d=notgoogle.com");
        }
    }

    @Test
    void withoutTheRequirementEveryMailCountsWithItsVerdictRecorded() {
        try (TopologyFixture f = fixture(false)) {
            f.send(corpus("google-2024-09-15.eml"), ARRIVAL, "imap", MAIL,
                    Map.of("tlsrpt.dkim", "fail d=google.com s=20230601 (signature expired at x=1727090234)"));
            f.send(corpus("microsoft-2024-09-13-sts-tlsa.eml"), ARRIVAL, "imap", MAIL);
            assertThat(f.deadLetter.readRecordsToList()).isEmpty();
            assertThat(f.reports.readValuesToList()).extracting(r -> r.getProvenance().getDkim())
                    .containsExactly("fail d=google.com s=20230601 (signature expired at x=1727090234)", null);
        }
    }
}

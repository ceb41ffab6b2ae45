package io.tlsrpt.cli.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who gets which tenant's digest, and the mail it gets (GreenMail delivers it for real in DomainsCommandIT). */
class DigestMailTest {

    private static final LocalDate MONDAY = LocalDate.parse("2026-11-23");

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    @Test
    void recipientsByTenantInTheFilesOrder() throws Exception {
        Map<String, List<InternetAddress>> recipients = DigestRecipients.read(file("r.txt",
            "# tenant  addresses",
            "acme   ops@acme.example, \"Acme CTO\" <cto@acme.example>",
            "",
            "globex postmaster@globex.example   # their NOC",
            "acme   noc@acme.example"));

        assertThat(recipients.keySet()).containsExactly("acme", "globex");
        assertThat(recipients.get("acme")).extracting(InternetAddress::getAddress)
            .containsExactly("ops@acme.example", "cto@acme.example", "noc@acme.example");
        assertThat(recipients.get("globex")).extracting(InternetAddress::getAddress)
            .containsExactly("postmaster@globex.example");
    }

    @Test
    void aBadLineIsNamed() throws Exception {
        assertThatThrownBy(() -> DigestRecipients.read(file("a.txt", "acme ops@acme.example", "../etc x@y.example")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.txt line 2")
            .hasMessageContaining("'../etc' is not a tenant name");
        assertThatThrownBy(() -> DigestRecipients.read(file("b.txt", "acme")))
            .hasMessageContaining("b.txt line 1: tenant acme has no address");
        assertThatThrownBy(() -> DigestRecipients.read(file("c.txt", "acme ops@acme.example, not an address")))
            .hasMessageContaining("c.txt line 1");
    }

    @Test
    void theSmtpConfigurationNamesWhatIsMissing() throws Exception {
        assertThatThrownBy(() -> DigestMailer.configured(file("1.properties", "from=digest@provider.example")))
            .hasMessageContaining("mail.smtp.host is required");
        assertThatThrownBy(() -> DigestMailer.configured(file("2.properties", "mail.smtp.host=127.0.0.1")))
            .hasMessageContaining("from is required");
        assertThatThrownBy(() -> DigestMailer.configured(file("3.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest"))).hasMessageContaining("user needs password.file");
        assertThatThrownBy(() -> DigestMailer.configured(file("4.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "password=secret"))).hasMessageContaining("unknown key password");
        assertThatThrownBy(() -> DigestMailer.configured(file("5.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "password.file=missing")))
            .hasMessageContaining("password.file").hasMessageContaining("cannot be read");
    }

    /** One mail: the Markdown as its text, the page as its preferred alternative, marked as sent by a machine. */
    @Test
    void aDigestMailHasTheTextAndThePage() throws Exception {
        DigestMailer mailer = DigestMailer.configured(file("smtp.properties", "mail.smtp.host=127.0.0.1",
            "from=TLS-RPT digest <digest@provider.example>"));
        DomainTable table = new DomainTable();
        Instant start = MONDAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        table.add(DomainStats.newBuilder().setPolicyDomain("shop.acme.example").setWindowStart(start)
            .setWindowEnd(start.plusSeconds(86_400)).setTotalSessions(1_000).setFailedSessions(400L)
            .setSessionsWithoutEnforcedPolicy(0L).setReports(1).setReporters(List.of("Google Inc."))
            .setFailingResultTypes(List.of(new CountedValue("certificate-expired", 400L))).setTenant("acme")
            .setUpdatedAt(start.plusSeconds(90_000)).build());
        DigestPeriod week = new DigestPeriod(MONDAY, MONDAY.plusDays(6));
        Digest digest = Digest.of(Set.of("acme"), Set.of(), week, table, new DomainTable(), new IncidentDigest(week));

        MimeMessage mail = mailer.message(digest, List.of(new InternetAddress("ops@acme.example")));

        assertThat(mail.getSubject()).isEqualTo("TLS-RPT digest: tenant acme, 2026-11-23 to 2026-11-29");
        assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("digest@provider.example");
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
            .containsExactly("ops@acme.example");
        assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(mail.getSentDate()).isNotNull();
        Multipart parts = (Multipart) mail.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain; charset=UTF-8");
        assertThat((String) parts.getBodyPart(0).getContent()).startsWith("# TLS-RPT digest: tenant acme")
            .contains("| shop.acme.example | acme | 1 | 1,000 | 40.00% |");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html; charset=UTF-8");
        assertThat((String) parts.getBodyPart(1).getContent()).startsWith("<!DOCTYPE html>")
            .contains(">shop.acme.example</td>");
    }
}

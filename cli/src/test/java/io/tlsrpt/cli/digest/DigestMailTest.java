package io.tlsrpt.cli.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.cli.domains.DomainTable;
import io.tlsrpt.schema.CountedValue;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.testkafka.TestTokenEndpoint;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        Digest digest = digest();

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

    /** What a run of {@link DigestMailer#sendAll} told, in order: "+tenant" accepted, "-tenant reason" refused. */
    private static List<String> sendAll(DigestMailer mailer, Digest digest, String... tenants) throws Exception {
        List<DigestMailer.Mail> mails = new java.util.ArrayList<>();
        for (String tenant : tenants) {
            mails.add(new DigestMailer.Mail(tenant, digest, List.of(new InternetAddress("ops@" + tenant + ".example"))));
        }
        List<String> told = new java.util.ArrayList<>();
        mailer.sendAll(mails, new DigestMailer.Outcomes() {
            @Override
            public void accepted(DigestMailer.Mail mail) {
                told.add("+" + mail.tenant());
            }

            @Override
            public void refused(DigestMailer.Mail mail, jakarta.mail.MessagingException last) {
                told.add("-" + mail.tenant() + " " + (DigestMailer.isTransient(last) ? "transient" : "permanent")
                    + " " + last.getMessage());
            }
        });
        return told;
    }

    /**
     * A run's mails over one connection; a 421 or 451 tried again on a new one after the round's other mails; a 550
     * not, and the run goes on.
     */
    @Test
    void transientRefusalsAreTriedAgainPermanentOnesNot() throws Exception {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer()) {
            Path config = file("scripted.properties", "mail.smtp.host=127.0.0.1", "mail.smtp.port=" + smtp.port(),
                "from=digest@provider.example", "retry.delay=PT0.05S");
            Digest digest = digest();
            try (DigestMailer mailer = DigestMailer.configured(config)) {
                assertThat(sendAll(mailer, digest, "acme", "umbrella", "initech"))
                    .containsExactly("+acme", "+umbrella", "+initech");
                assertThat(smtp.accepted()).hasSize(3);
                assertThat(smtp.connections()).as("one connection for the run").isEqualTo(1);

                smtp.refuseNextMail("421 4.7.0 too busy, try again later");
                smtp.refuseNextMail("451 4.3.0 local error, try again");
                assertThat(sendAll(mailer, digest, "acme")).containsExactly("+acme");
                assertThat(smtp.accepted()).hasSize(4);
                assertThat(smtp.connections()).as("each refusal for now on a new connection").isEqualTo(3);

                smtp.refuseNextMail("421 4.7.0 too busy, try again later");
                assertThat(sendAll(mailer, digest, "acme", "umbrella")).as("acme refused for now holds up nobody")
                    .containsExactly("+umbrella", "+acme");
                assertThat(smtp.accepted()).extracting(to -> to.get(0)).as("acme in the next round")
                    .endsWith("<ops@umbrella.example>", "<ops@acme.example>");
                assertThat(smtp.accepted()).hasSize(6);

                smtp.refuseRecipientsContaining("ops@nobody.");
                assertThat(sendAll(mailer, digest, "nobody", "umbrella")).as("a permanent refusal is not tried again")
                    .hasSize(2).satisfiesExactly(
                        refused -> assertThat(refused).startsWith("-nobody permanent"),
                        accepted -> assertThat(accepted).isEqualTo("+umbrella"));
                assertThat(smtp.accepted()).hasSize(7);

                for (int i = 0; i <= DigestMailer.DEFAULT_RETRIES; i++) {
                    smtp.refuseNextMail("451 4.3.0 local error, try again");
                }
                int before = smtp.connections();
                assertThat(sendAll(mailer, digest, "initech")).singleElement().asString()
                    .startsWith("-initech transient").contains("451");
                assertThat(smtp.accepted()).as("the retries spent").hasSize(7);
                assertThat(smtp.connections() - before).as("the first try and two more").isEqualTo(2);
            }
        }
        assertThatThrownBy(() -> DigestMailer.configured(file("bad.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "retries=many"))).hasMessageContaining("retries must be a number");
    }

    /**
     * auth.mechanism=xoauth2 against a real SMTP server (GreenMail, taking a token the endpoint issued as the password
     * once the test lets it) and a real HTTPS token endpoint: a token the server refuses is a permanent refusal of
     * that mail and is not offered again; a run's mails then go over one connection with one new token; a token
     * endpoint that refuses is a permanent refusal too, not asked again in the round.
     */
    @Test
    void anOauthLoginOffersTheEndpointsTokenAndNeverOneRefusedAgain() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        AtomicBoolean serverTakesTokens = new AtomicBoolean();
        AtomicBoolean endpointRefuses = new AtomicBoolean();
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        GreenMailUser sender = smtp.setUser("digest@provider.example", "digest@provider.example", "no-password");
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("oauth"), request -> {
            if (endpointRefuses.get()) {
                return new TestTokenEndpoint.Answer(401, "{\"error\":\"invalid_client\",\"error_description\":"
                    + "\"AADSTS7000222: the client secret keys have expired\"}");
            }
            String token = "tok-" + issued.incrementAndGet();
            if (serverTakesTokens.get()) {
                sender.setPassword(token);
            }
            return TestTokenEndpoint.bearer(token, 3600);
        })) {
            Files.writeString(dir.resolve("client-secret"), "s3cret\n");
            Path config = file("oauth.properties", "mail.smtp.host=127.0.0.1",
                "mail.smtp.port=" + smtp.getSmtp().getPort(), "from=digest@provider.example",
                "user=digest@provider.example", "auth.mechanism=xoauth2", "oauth.token.url=" + endpoint.uri(),
                "oauth.client.id=app-1", "oauth.client.secret.file=client-secret",
                "oauth.scope=https://outlook.office365.com/.default", "oauth.ca.file=" + endpoint.caFile(),
                "retry.delay=PT0.05S");
            Digest digest = digest();
            try (DigestMailer mailer = DigestMailer.configured(config)) {
                assertThat(sendAll(mailer, digest, "acme")).singleElement().asString()
                    .startsWith("-acme permanent").contains("535");
                serverTakesTokens.set(true);
                assertThat(sendAll(mailer, digest, "acme", "umbrella")).containsExactly("+acme", "+umbrella");
                assertThat(smtp.getReceivedMessages()).hasSize(2);
                assertThat(endpoint.requests()).as("tok-1 refused and not offered again; tok-2 for the connection")
                    .hasSize(2).allSatisfy(request -> assertThat(request.form())
                        .containsEntry("grant_type", "client_credentials").containsEntry("client_secret", "s3cret"));
            }
            endpointRefuses.set(true);
            try (DigestMailer mailer = DigestMailer.configured(config)) {
                assertThat(sendAll(mailer, digest, "initech")).singleElement().asString()
                    .startsWith("-initech permanent").contains("AADSTS7000222");
                assertThat(endpoint.requests()).as("a refusal of the endpoint is not tried again").hasSize(3);
            }
            assertThat(smtp.getReceivedMessages()).hasSize(2);
        } finally {
            smtp.stop();
        }
        assertThatThrownBy(() -> DigestMailer.configured(file("o1.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "auth.mechanism=xoauth2")))
            .hasMessageContaining("needs one of oauth.token.url, oauth.service.account.file or oauth.token.file");
        assertThatThrownBy(() -> DigestMailer.configured(file("o2.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "auth.mechanism=xoauth2", "oauth.token.file=token")))
            .hasMessageContaining("needs user");
        assertThatThrownBy(() -> DigestMailer.configured(file("o3.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "auth.mechanism=xoauth2",
            "oauth.token.url=http://login.example/token", "oauth.client.id=app")))
            .hasMessageContaining("oauth.token.url must be an https URL");
        assertThatThrownBy(() -> DigestMailer.configured(file("o4.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "auth.mechanism=xoauth2",
            "oauth.token.url=https://login.example/token", "oauth.client.id=app")))
            .hasMessageContaining("oauth.client.secret.file (or oauth.client.certificate.file) is required");
        assertThatThrownBy(() -> DigestMailer.configured(file("o5.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "password.file=p", "oauth.token.file=token")))
            .hasMessageContaining("oauth.* keys need auth.mechanism=xoauth2");
        assertThatThrownBy(() -> DigestMailer.configured(file("o6.properties", "mail.smtp.host=127.0.0.1",
            "from=digest@provider.example", "user=digest", "auth.mechanism=cram-md5")))
            .hasMessageContaining("auth.mechanism must be password or xoauth2");
    }

    private static Digest digest() {
        DomainTable table = new DomainTable();
        Instant start = MONDAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        table.add(DomainStats.newBuilder().setPolicyDomain("shop.acme.example").setWindowStart(start)
            .setWindowEnd(start.plusSeconds(86_400)).setTotalSessions(1_000).setFailedSessions(400L)
            .setSessionsWithoutEnforcedPolicy(0L).setReports(1).setReporters(List.of("Google Inc."))
            .setFailingResultTypes(List.of(new CountedValue("certificate-expired", 400L))).setTenant("acme")
            .setUpdatedAt(start.plusSeconds(90_000)).build());
        DigestPeriod week = new DigestPeriod(MONDAY, MONDAY.plusDays(6));
        return Digest.of(Set.of("acme"), Set.of(), week, table, new DomainTable(), new IncidentDigest(week));
    }
}

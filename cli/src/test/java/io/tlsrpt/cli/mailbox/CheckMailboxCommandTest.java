package io.tlsrpt.cli.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.cli.CommandRunner;
import io.tlsrpt.testkafka.ImapCapabilityProxy;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsrpt check-mailbox} against a real IMAP server (GreenMail) and a real HTTPS token endpoint: each step
 * printed, the first failure named, the mailbox left as it was.
 */
class CheckMailboxCommandTest {

    @TempDir
    Path dir;

    private GreenMail imap;
    private GreenMailUser user;

    @BeforeEach
    void start() throws Exception {
        imap = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
        imap.start();
        user = imap.setUser("tlsrpt@example.org", "tlsrpt@example.org", "the-password");
        for (int i = 0; i < 3; i++) {
            MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
            mail.setSubject("Report Domain: example.org Submitter: google.com Report-ID: <" + i + ">");
            mail.setText("{}");
            user.deliver(mail);
        }
    }

    @AfterEach
    void stop() {
        imap.stop();
    }

    private Path properties(String... lines) throws Exception {
        return Files.write(dir.resolve("tlsrpt-imap.properties"), List.of(String.join("\n",
            "connector.class=io.tlsrpt.connect.TlsRptSourceConnector",
            "imap.enabled=true", "imap.host=127.0.0.1", "imap.port=" + imap.getImap().getPort(),
            "imap.security=none", "imap.username=tlsrpt@example.org", String.join("\n", lines))),
            StandardCharsets.UTF_8);
    }

    @Test
    void aPasswordLoginIsTriedWithThePasswordOfAFileProvider() throws Exception {
        Path secrets = Files.writeString(dir.resolve("secrets.properties"), "imap-password=the-password\n");
        CommandRunner.Run run = CommandRunner.run("check-mailbox", "--connector-config",
            properties("imap.password=${file:" + secrets + ":imap-password}").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("ok     login").contains("tlsrpt@example.org at 127.0.0.1:" + imap.getImap()
            .getPort() + " (none) with a password").contains("folder INBOX      3 messages to read")
            .contains("missing; created at the first start (imap.processed.folder)");
        assertThat(run.out()).doesNotContain("the-password");
        assertThat(messagesIn("INBOX")).as("nothing moved or created").isEqualTo(3);
        assertThat(folderExists("processed")).isFalse();

        CommandRunner.Run refused = CommandRunner.run("check-mailbox", "--connector-config",
            properties("imap.password=wrong").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("FAILED login").contains("refused");
    }

    @Test
    void anOauthLoginShowsTheTokenAndTheEndpointsRefusal() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean();
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("pki"), request -> {
            if (refuse.get()) {
                return new TestTokenEndpoint.Answer(401, "{\"error\":\"invalid_client\",\"error_description\":"
                    + "\"AADSTS7000222: The provided client secret keys for app '1' are expired.\"}");
            }
            user.setPassword("tok-1");
            return TestTokenEndpoint.bearer("tok-1", 3599);
        })) {
            Path json = Files.writeString(dir.resolve("tlsrpt-imap.json"), "{\"name\":\"tlsrpt-imap\",\"config\":{"
                + "\"imap.enabled\":\"true\",\"imap.host\":\"127.0.0.1\",\"imap.port\":\"" + imap.getImap().getPort()
                + "\",\"imap.security\":\"none\",\"imap.username\":\"tlsrpt@example.org\","
                + "\"imap.auth.mechanism\":\"xoauth2\",\"imap.oauth.token.url\":\"" + endpoint.uri() + "\","
                + "\"imap.oauth.client.id\":\"app-1\",\"imap.oauth.client.secret\":\"s3cret\","
                + "\"imap.oauth.ca.file\":\"" + endpoint.caFile() + "\"}}");
            CommandRunner.Run run = CommandRunner.run("check-mailbox", "--connector-config", json.toString());
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("ok     access token").contains("(client_credentials)")
                .contains("expiring").contains("with XOAUTH2").doesNotContain("tok-1").doesNotContain("s3cret");

            refuse.set(true);
            CommandRunner.Run refused = CommandRunner.run("check-mailbox", "--connector-config", json.toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.out()).contains("FAILED access token").contains("refused")
                .contains("AADSTS7000222").doesNotContain("login");
        }
    }

    /** A mailbox whose server does not offer XOAUTH2 is named as such; the token is not sent to it. */
    @Test
    void aServerWithoutXoauth2IsNamedAndGetsNoToken() throws Exception {
        user.setPassword("tok-check-1");
        Path token = Files.writeString(dir.resolve("token"), "tok-check-1\n");
        try (ImapCapabilityProxy lacking = new ImapCapabilityProxy(imap.getImap().getPort(), "AUTH=XOAUTH2")) {
            Path config = properties("imap.auth.mechanism=xoauth2", "imap.oauth.token.file=" + token);
            Files.writeString(config, Files.readString(config).replace("imap.port=" + imap.getImap().getPort(),
                "imap.port=" + lacking.port()));
            CommandRunner.Run run = CommandRunner.run("check-mailbox", "--connector-config", config.toString());
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("ok     access token").contains("FAILED login")
                .contains("does not offer SASL XOAUTH2").doesNotContain("tok-check-1");
            assertThat(lacking.clientLines()).noneMatch(line -> line.contains("tok-check-1"));
        }
    }

    @Test
    void aConfigurationWithoutAMailboxOrUnusableIsNamed() throws Exception {
        Path spool = Files.writeString(dir.resolve("spool.properties"),
            "spool.enabled=true\nspool.inbox.directory=/var/spool/tlsrpt\n");
        CommandRunner.Run none = CommandRunner.run("check-mailbox", "--connector-config", spool.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("reads no mailbox");
        CommandRunner.Run bad = CommandRunner.run("check-mailbox", "--connector-config",
            properties("imap.auth.mechanism=xoauth2").toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("imap.auth.mechanism xoauth2 needs one of");
    }

    private int messagesIn(String name) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", imap.getImap().getPort(), "tlsrpt@example.org", user.getPassword());
        try {
            Folder folder = store.getFolder(name);
            folder.open(Folder.READ_ONLY);
            return folder.getMessageCount();
        } finally {
            store.close();
        }
    }

    private boolean folderExists(String name) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", imap.getImap().getPort(), "tlsrpt@example.org", user.getPassword());
        try {
            return store.getFolder(name).exists();
        } finally {
            store.close();
        }
    }
}

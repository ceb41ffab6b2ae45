package io.tlsrpt.connect.imap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.oauth.ServiceAccountGrant;
import io.tlsrpt.testkafka.ImapCapabilityProxy;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mailbox's login as its configuration makes it: a password, or XOAUTH2 with a Google service account's tokens. */
class ImapLoginTest {
    @TempDir
    Path dir;

    private static TlsRptSourceConfig config(String... more) {
        Map<String, String> props = new java.util.HashMap<>(Map.of("imap.enabled", "true", "imap.host",
                "imap.gmail.com", "imap.username", "tlsrpt@example.org", "imap.password", "secret"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            props.put(more[i], more[i + 1]);
        }
        return new TlsRptSourceConfig(props);
    }

    @Test
    void aPasswordLoginOffersThePasswordWithTheLibrarysMechanisms() throws Exception {
        ImapLogin login = ImapLogin.from(config(), InstantSource.system());
        Properties props = new Properties();
        login.configure(props, "imaps");
        assertThat(props).isEmpty();
        assertThat(login.secret()).isEqualTo("secret");
        assertThat(login.renewAt()).isNull();
        assertThat(login.endpoint()).isNull();
    }

    /**
     * A token is offered with SASL XOAUTH2 only: to a real IMAP server (GreenMail) the login succeeds with it; to the
     * same server seen through a relay that hides its AUTH=XOAUTH2, the login is refused before anything is sent, with
     * the reason, where the mail library would have sent the token as the password of a plain LOGIN.
     */
    @Test
    void aTokenIsNeverSentAsAPasswordToAServerWithoutXoauth2() throws Exception {
        GreenMail imap = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
        imap.start();
        try (ImapCapabilityProxy offering = new ImapCapabilityProxy(imap.getImap().getPort(), "QUOTA");
             ImapCapabilityProxy lacking = new ImapCapabilityProxy(imap.getImap().getPort(),
                     TokenOnlyImapStore.CAPABILITY)) {
            imap.setUser("tlsrpt@example.org", "tlsrpt", "tok-imap-1");
            Path tokenFile = Files.writeString(dir.resolve("token"), "tok-imap-1\n");

            ImapLogin login = ImapLogin.from(tokenConfig(offering.port(), tokenFile), InstantSource.system());
            Store store = login.connect(tokenConfig(offering.port(), tokenFile));
            assertThat(store.isConnected()).isTrue();
            store.close();
            assertThat(offering.clientLines()).anyMatch(line -> line.contains("AUTHENTICATE XOAUTH2"));

            TlsRptSourceConfig config = tokenConfig(lacking.port(), tokenFile);
            assertThatThrownBy(() -> ImapLogin.from(config, InstantSource.system()).connect(config))
                    .isInstanceOf(MessagingException.class).isNotInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("does not offer SASL XOAUTH2");
            assertThat(lacking.clientLines()).isNotEmpty()
                    .noneMatch(line -> line.contains("tok-imap-1") || line.contains(" LOGIN ")
                            || line.contains("AUTHENTICATE"));
        } finally {
            imap.stop();
        }
    }

    private static TlsRptSourceConfig tokenConfig(int port, Path tokenFile) {
        return config("imap.host", "127.0.0.1", "imap.port", Integer.toString(port), "imap.security", "none",
                "imap.username", "tlsrpt", "imap.auth.mechanism", "xoauth2", "imap.password", "",
                "imap.oauth.token.file", tokenFile.toString());
    }

    @Test
    void aServiceAccountAsksForTheMailboxsTokensWithGooglesMailScope() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] key = generator.generateKeyPair().getPrivate().getEncoded();
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("pki"),
                request -> TestTokenEndpoint.bearer("ya29.c.tok", 3599))) {
            Path keyFile = Files.writeString(dir.resolve("key.json"), new ObjectMapper().writeValueAsString(Map.of(
                    "type", "service_account", "client_email", "reader@tlsrpt-mail.iam.gserviceaccount.com",
                    "private_key", TestCertificateAuthority.pem("PRIVATE KEY", key),
                    "token_uri", endpoint.uri().toString())));
            ImapLogin login = ImapLogin.from(config("imap.auth.mechanism", "xoauth2", "imap.password", "",
                    "imap.oauth.service.account.file", keyFile.toString(),
                    "imap.oauth.ca.file", endpoint.caFile().toString()), InstantSource.system());
            Properties props = new Properties();
            login.configure(props, "imaps");
            assertThat(props).containsEntry("mail.imaps.auth.mechanisms", "XOAUTH2");

            assertThat(login.secret()).isEqualTo("ya29.c.tok");
            assertThat(login.renewAt()).isNotNull();
            assertThat(login.describe()).contains("jwt-bearer").contains("for tlsrpt@example.org");
            String claims = new String(Base64.getUrlDecoder().decode(
                    endpoint.requests().get(0).form().get("assertion").split("\\.")[1]), StandardCharsets.UTF_8);
            assertThat(claims).contains("\"sub\":\"tlsrpt@example.org\"")
                    .contains("\"scope\":\"" + ServiceAccountGrant.GOOGLE_MAIL_SCOPE + "\"");
        }
    }
}

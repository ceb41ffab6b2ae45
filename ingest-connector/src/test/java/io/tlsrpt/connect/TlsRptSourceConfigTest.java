package io.tlsrpt.connect;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsRptSourceConfigTest {

    private static Map<String, String> spool() {
        return new HashMap<>(Map.of("spool.enabled", "true", "spool.inbox.directory", "/var/spool/tlsrpt/inbox"));
    }

    @Test
    void everyKeyHasDocumentationAndAValidator() {
        for (ConfigDef.ConfigKey key : TlsRptSourceConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.validator).as(key.name).isNotNull();
            assertThat(key.hasDefault()).as(key.name).isTrue();
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        TlsRptSourceConfig c = new TlsRptSourceConfig(spool());
        assertThat(c.getString(TlsRptSourceConfig.TOPIC)).isEqualTo("tlsrpt.raw");
        assertThat(c.getString(TlsRptSourceConfig.HTTPS_PATH)).isEqualTo("/v1/tlsrpt");
        assertThat(c.getInt(TlsRptSourceConfig.MAX_PAYLOAD_BYTES)).isEqualTo(10 * 1024 * 1024);
        assertThat(c.getString(TlsRptSourceConfig.IMAP_PROCESSED_FOLDER)).isEqualTo("processed");
        assertThat(c.spoolDirectory(TlsRptSourceConfig.SPOOL_DONE_DIRECTORY, "done"))
                .isEqualTo(Path.of("/var/spool/tlsrpt/done"));
        assertThat(c.enabledSources()).containsExactly("spool");
    }

    @Test
    void noSourceEnabledIsRejected() {
        assertThatThrownBy(() -> new TlsRptSourceConfig(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("enable at least one source");
    }

    @Test
    void enabledSourcesNeedTheirRequiredKeys() {
        assertThatThrownBy(() -> new TlsRptSourceConfig(Map.of("https.enabled", "true")))
                .hasMessageContaining("https.keystore.path is required");
        assertThatThrownBy(() -> new TlsRptSourceConfig(Map.of("imap.enabled", "true")))
                .hasMessageContaining("imap.host is required").hasMessageContaining("imap.username is required");
        assertThatThrownBy(() -> new TlsRptSourceConfig(Map.of("spool.enabled", "true")))
                .hasMessageContaining("spool.inbox.directory is required");
        // plain HTTP behind a proxy needs no keystore
        assertThat(new TlsRptSourceConfig(Map.of("https.enabled", "true", "https.tls.enabled", "false"))
                .enabledSources()).containsExactly("https");
    }

    @Test
    void perKeyValidatorsRejectBadValues() {
        Map<String, String> bad = spool();
        bad.put("https.port", "70000");
        assertThatThrownBy(() -> new TlsRptSourceConfig(bad)).isInstanceOf(ConfigException.class).hasMessageContaining("https.port");
        Map<String, String> badPath = spool();
        badPath.put("https.path", "v1/tlsrpt");
        assertThatThrownBy(() -> new TlsRptSourceConfig(badPath)).hasMessageContaining("https.path");
        Map<String, String> badSecurity = spool();
        badSecurity.put("imap.security", "maybe");
        assertThatThrownBy(() -> new TlsRptSourceConfig(badSecurity)).hasMessageContaining("imap.security");
        Map<String, String> tinyPayload = spool();
        tinyPayload.put("max.payload.bytes", "10");
        assertThatThrownBy(() -> new TlsRptSourceConfig(tinyPayload)).hasMessageContaining("max.payload.bytes");
        Map<String, String> sameFolder = new HashMap<>(Map.of("imap.enabled", "true", "imap.host", "h",
                "imap.username", "u", "imap.processed.folder", "INBOX"));
        assertThatThrownBy(() -> new TlsRptSourceConfig(sameFolder)).hasMessageContaining("must differ");
    }

    @Test
    void proxiesAndRateLimitsAreChecked() {
        Map<String, String> proxies = spool();
        proxies.put("https.trusted.proxies", "10.0.0.0/8, fd00::/8,192.0.2.1");
        TlsRptSourceConfig c = new TlsRptSourceConfig(proxies);
        assertThat(c.getList(TlsRptSourceConfig.HTTPS_TRUSTED_PROXIES)).containsExactly("10.0.0.0/8", "fd00::/8",
                "192.0.2.1");
        assertThat(c.getDouble(TlsRptSourceConfig.HTTPS_RATE_LIMIT_PER_CLIENT)).as("off by default").isZero();
        assertThat(c.getInt(TlsRptSourceConfig.HTTPS_RATE_LIMIT_BURST)).isEqualTo(100);

        assertThat(c.getString(TlsRptSourceConfig.HTTPS_TRUSTED_PROXIES_HEADER)).isEqualTo("x-forwarded-for");
        Map<String, String> realIp = spool();
        realIp.put("https.trusted.proxies.header", "x-real-ip");
        assertThatThrownBy(() -> new TlsRptSourceConfig(realIp)).hasMessageContaining("https.trusted.proxies.header");
        Map<String, String> named = spool();
        named.put("https.trusted.proxies", "10.0.0.0/8,proxy.example");
        assertThatThrownBy(() -> new TlsRptSourceConfig(named)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("https.trusted.proxies").hasMessageContaining("'proxy.example' is not an IP");
        Map<String, String> negative = spool();
        negative.put("https.rate.limit.per.client", "-1");
        assertThatThrownBy(() -> new TlsRptSourceConfig(negative)).hasMessageContaining("https.rate.limit.per.client");
        Map<String, String> noBurst = spool();
        noBurst.put("https.rate.limit.burst", "0");
        assertThatThrownBy(() -> new TlsRptSourceConfig(noBurst)).hasMessageContaining("https.rate.limit.burst");
    }

    private static Map<String, String> imap(String... more) {
        Map<String, String> props = new HashMap<>(Map.of("imap.enabled", "true", "imap.host", "outlook.office365.com",
                "imap.username", "tlsrpt@example.org"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            props.put(more[i], more[i + 1]);
        }
        return props;
    }

    @Test
    void anOauthLoginNeedsItsTokensSource() {
        String url = "https://login.microsoftonline.com/tenant/oauth2/v2.0/token";
        TlsRptSourceConfig endpoint = new TlsRptSourceConfig(imap("imap.auth.mechanism", "XOAUTH2",
                "imap.oauth.token.url", url, "imap.oauth.client.id", "app", "imap.oauth.client.secret", "s"));
        assertThat(endpoint.getString(TlsRptSourceConfig.IMAP_OAUTH_CLIENT_AUTH)).isEqualTo("post");
        assertThat(new TlsRptSourceConfig(imap()).getString(TlsRptSourceConfig.IMAP_AUTH_MECHANISM))
                .as("passwords by default").isEqualTo("password");
        // a public client with a refresh token needs no secret; a token file needs nothing else
        new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2", "imap.oauth.token.url", url,
                "imap.oauth.client.id", "app", "imap.oauth.refresh.token", "r"));
        new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2", "imap.oauth.token.file", "/run/token"));

        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2")))
                .hasMessageContaining("imap.auth.mechanism xoauth2 needs one of imap.oauth.token.url, "
                        + "imap.oauth.service.account.file or imap.oauth.token.file, not two");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2",
                "imap.oauth.token.url", url, "imap.oauth.token.file", "/run/token"))).hasMessageContaining("not two");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2",
                "imap.oauth.service.account.file", "/nonexistent/key.json")))
                .hasMessageContaining("imap.oauth.service.account.file cannot be used");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2",
                "imap.oauth.token.url", url))).hasMessageContaining("imap.oauth.client.id is required")
                .hasMessageContaining("imap.oauth.client.secret (or imap.oauth.client.certificate.file) is "
                        + "required for the client credentials grant");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.oauth.token.file", "/run/token")))
                .hasMessageContaining("need imap.auth.mechanism=xoauth2");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.oauth.service.account.file", "/key.json")))
                .hasMessageContaining("need imap.auth.mechanism=xoauth2");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2",
                "imap.oauth.token.url", "http://login.example/token", "imap.oauth.client.id", "app",
                "imap.oauth.client.secret", "s"))).hasMessageContaining("imap.oauth.token.url")
                .hasMessageContaining("must be an https URL");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "kerberos")))
                .hasMessageContaining("imap.auth.mechanism");
        assertThatThrownBy(() -> new TlsRptSourceConfig(imap("imap.auth.mechanism", "xoauth2",
                "imap.oauth.token.url", url, "imap.oauth.client.id", "app", "imap.oauth.client.secret", "s",
                "imap.oauth.ca.file", "/nonexistent/ca.pem")))
                .hasMessageContaining("imap.oauth.ca.file cannot be used");

        Config result = new TlsRptSourceConnector().validate(imap("name", "x", "imap.auth.mechanism", "xoauth2"));
        assertThat(result.configValues().stream().filter(v -> v.name().equals("imap.auth.mechanism")).findFirst()
                .orElseThrow().errorMessages()).anyMatch(m -> m.contains("needs one of"));
    }

    @Test
    void connectorValidateReportsCrossKeyProblemsOnTheKey() {
        Config result = new TlsRptSourceConnector().validate(Map.of("name", "x", "imap.enabled", "true",
                "imap.username", "u"));
        ConfigValue host = result.configValues().stream().filter(v -> v.name().equals("imap.host")).findFirst().orElseThrow();
        assertThat(host.errorMessages()).anyMatch(m -> m.contains("imap.host is required"));
    }

    @Test
    void markdownReferenceListsEveryKey() {
        String md = TlsRptSourceConfig.toMarkdown();
        for (String key : TlsRptSourceConfig.keyNames()) {
            assertThat(md).contains("| `" + key + "` |");
        }
        assertThat(md.lines().count()).isEqualTo(TlsRptSourceConfig.keyNames().size() + 2);
    }

    @Test
    void tasksGetOneRoleEachOrShareWhenTasksAreFewer() {
        Map<String, String> props = Map.of("name", "c");
        List<String> all = List.of("https", "imap", "spool");
        assertThat(TlsRptSourceConnector.assign(props, all, 3)).extracting(m -> m.get(TlsRptSourceConfig.TASK_SOURCES))
                .containsExactly("https", "imap", "spool");
        assertThat(TlsRptSourceConnector.assign(props, all, 1)).extracting(m -> m.get(TlsRptSourceConfig.TASK_SOURCES))
                .containsExactly("https,imap,spool");
        assertThat(TlsRptSourceConnector.assign(props, all, 2)).extracting(m -> m.get(TlsRptSourceConfig.TASK_SOURCES))
                .containsExactly("https,spool", "imap");
        assertThat(TlsRptSourceConnector.assign(props, List.of("spool"), 4)).hasSize(1);
    }

    @Test
    void exactlyOnceIsSupportedWithoutTheHttpsReceiver() {
        TlsRptSourceConnector connector = new TlsRptSourceConnector();
        assertThat(connector.exactlyOnceSupport(Map.of("imap.enabled", "true", "spool.enabled", "true")))
                .isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.exactlyOnceSupport(Map.of("https.enabled", "true")))
                .isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
    }
}

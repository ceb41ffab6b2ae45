package io.tlsrpt.connect.https;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.connect.Corpus;
import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.RecordQueue;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.testkafka.TestKeystore;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.TlsRptSourceConnector;
import io.tlsrpt.connect.imap.ImapMailbox;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9's exposure rules: secrets are Connect PASSWORD values that never reach a log line or a rendered config,
 * the receiver listens on 127.0.0.1 unless told otherwise, and the metrics carry no report content.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsAndExposureTest {
    private static final String IMAP_SECRET = "imap-S3cret-never-logged";
    private static final String STORE_SECRET = "store-S3cret-never-logged";
    private static final String KEY_SECRET = "key-S3cret-never-logged";

    @TempDir
    static Path dir;
    private static Path keystore;

    private final StringWriter captured = new StringWriter();
    private WriterAppender appender;

    @BeforeAll
    static void keystore() throws Exception {
        keystore = TestKeystore.create(dir);
    }

    /** Everything io.tlsrpt and the mail library log, down to TRACE, goes to {@link #captured}. */
    @BeforeEach
    void captureLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender = WriterAppender.newBuilder().setName("secrets-capture").setTarget(captured)
                .setLayout(PatternLayout.newBuilder().setPattern("%level %logger - %msg %throwable%n").build()).build();
        appender.start();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setLevel("io.tlsrpt", Level.TRACE);
        Configurator.setLevel("org.apache.kafka.common.config", Level.DEBUG);
        ctx.updateLoggers();
    }

    @AfterEach
    void stopCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = ctx.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        appender.stop();
        Configurator.setLevel("io.tlsrpt", Level.INFO);
        Configurator.setLevel("org.apache.kafka.common.config", Level.WARN);
        ctx.updateLoggers();
    }

    private void assertNoSecretLogged() {
        String logs = captured.toString();
        assertThat(logs).as("captured log output").isNotEmpty();
        assertThat(logs).doesNotContain(IMAP_SECRET).doesNotContain(STORE_SECRET).doesNotContain(KEY_SECRET);
    }

    @Test
    void secretsArePasswordTypedAndHiddenWhereverTheConfigIsRendered() {
        for (String key : List.of(TlsRptSourceConfig.IMAP_PASSWORD, TlsRptSourceConfig.HTTPS_KEYSTORE_PASSWORD,
                TlsRptSourceConfig.HTTPS_KEY_PASSWORD, TlsRptSourceConfig.IMAP_OAUTH_CLIENT_SECRET,
                TlsRptSourceConfig.IMAP_OAUTH_REFRESH_TOKEN)) {
            assertThat(TlsRptSourceConfig.CONFIG_DEF.configKeys().get(key).type).as(key).isEqualTo(ConfigDef.Type.PASSWORD);
        }
        Map<String, String> props = new HashMap<>(Map.of("https.enabled", "true", "https.keystore.path", "/nonexistent.p12",
                "https.keystore.password", STORE_SECRET, "https.key.password", KEY_SECRET, "imap.enabled", "true",
                "imap.host", "127.0.0.1", "imap.username", "tlsrpt", "imap.password", IMAP_SECRET));
        TlsRptSourceConfig config = new TlsRptSourceConfig(props);
        assertThat(config.values().toString()).contains("[hidden]")
                .doesNotContain(IMAP_SECRET).doesNotContain(STORE_SECRET).doesNotContain(KEY_SECRET);
        assertThat(String.valueOf(config.values().get(TlsRptSourceConfig.IMAP_PASSWORD))).isEqualTo("[hidden]");
        // the worker's validate endpoint renders ConfigValues: the secrets are Password objects there too
        Config validated = new TlsRptSourceConnector().validate(props);
        for (ConfigValue v : validated.configValues()) {
            assertThat(String.valueOf(v.value())).as(v.name())
                    .doesNotContain(IMAP_SECRET).doesNotContain(STORE_SECRET).doesNotContain(KEY_SECRET);
        }
        assertThat(TlsRptSourceConfig.toMarkdown()).doesNotContain(IMAP_SECRET);
    }

    @Test
    void keystoreSecretsAreNotLoggedNorInErrors() throws Exception {
        // wrong store password: the start fails, and neither the error nor a log line carries what was tried
        Map<String, String> wrong = Map.of("https.keystore.password", STORE_SECRET, "https.key.password", KEY_SECRET);
        assertThatThrownBy(() -> new ReceiverUnderTest(keystore, wrong).close())
                .satisfies(e -> assertThat(stackText(e)).doesNotContain(STORE_SECRET).doesNotContain(KEY_SECRET));
        // the right one (the test keystore's) with a full exchange logged at TRACE
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of("https.key.password", TestKeystore.PASSWORD))) {
            assertThat(RawClients.post(new RawClients(keystore).httpClient(), r.uri(), Corpus.gzippedReport(4),
                    Duration.ofSeconds(10)).statusCode()).isEqualTo(201);
            assertThat(captured.toString()).doesNotContain(TestKeystore.PASSWORD);
        }
        assertNoSecretLogged();
    }

    private static String stackText(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Test
    void imapPasswordIsNotLoggedWhenTheLoginFails() throws Exception {
        // the login is refused and the reader says so (and retries, waiting longer each time) without the password
        readMailboxUntil(Map.of("imap.password", IMAP_SECRET, "imap.poll.interval.ms", "200",
                "imap.reconnect.backoff.max.ms", "800"),
                () -> captured.toString().contains("failed, reconnecting in 800 ms"));
        assertThat(captured.toString()).contains("failed, reconnecting in 200 ms")
                .contains("failed, reconnecting in 400 ms").doesNotContain("reconnecting in 1600 ms");
        assertNoSecretLogged();
    }

    /**
     * An OAuth login (imap.auth.mechanism=xoauth2) that goes wrong twice, logged at TRACE: the token endpoint refuses
     * (its error answer is logged), then the IMAP server refuses the access token it gave. Neither the client secret,
     * the refresh token (the configured one and the one the endpoint rotated to), nor the access token is logged.
     */
    @Test
    void oauthSecretsAndAccessTokensAreNotLoggedWhenTheLoginFails() throws Exception {
        String clientSecret = "client-S3cret-never-logged";
        String refreshToken = "refresh-S3cret-never-logged";
        String rotated = "rotated-S3cret-never-logged";
        String accessToken = "access-S3cret-never-logged";
        AtomicInteger asked = new AtomicInteger();
        // first a token the server refuses (and a rotated refresh token), then the endpoint's refusal
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir.resolve("oauth"), request -> asked.incrementAndGet()
                > 1 ? new TestTokenEndpoint.Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"AADSTS70008: the refresh token has expired\"}")
                : new TestTokenEndpoint.Answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"access_token\":\"" + accessToken + "\",\"refresh_token\":\"" + rotated + "\"}"))) {
            readMailboxUntil(Map.of("imap.auth.mechanism", "xoauth2", "imap.oauth.token.url", endpoint.uri().toString(),
                    "imap.oauth.client.id", "app-1", "imap.oauth.client.secret", clientSecret,
                    "imap.oauth.refresh.token", refreshToken, "imap.oauth.ca.file", endpoint.caFile().toString()),
                    () -> captured.toString().contains("invalid_grant")
                            && captured.toString().contains("AUTHENTICATE failed"));
            assertThat(endpoint.requests().get(0).form()).containsEntry("client_secret", clientSecret)
                    .containsEntry("refresh_token", refreshToken);
            assertThat(endpoint.requests().get(1).form()).as("the rotated one").containsEntry("refresh_token", rotated);
        }
        assertNoSecretLogged();
        assertThat(captured.toString()).contains("AADSTS70008").doesNotContain(clientSecret)
                .doesNotContain(refreshToken).doesNotContain(rotated).doesNotContain(accessToken);
    }

    /** A mailbox reader logging in to a real IMAP server that takes another password, until {@code done}. */
    private static void readMailboxUntil(Map<String, String> login, Callable<Boolean> done) throws Exception {
        GreenMail greenMail = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
        greenMail.start();
        ImapMailbox mailbox = null;
        Metrics metrics = new Metrics();
        try {
            greenMail.setUser("tlsrpt@example.org", "tlsrpt", "the-right-one");
            Map<String, String> props = new HashMap<>(Map.of("imap.enabled", "true", "imap.host", "127.0.0.1",
                    "imap.port", Integer.toString(greenMail.getImap().getPort()), "imap.security", "none",
                    "imap.username", "tlsrpt", "imap.reconnect.backoff.ms", "200"));
            props.putAll(login);
            mailbox = new ImapMailbox(new SourceContext(new TlsRptSourceConfig(props), new RecordQueue(10, 1_000_000),
                    new IngestMetrics(new PluginMetricsImpl(metrics, Map.of()), "t."), null));
            mailbox.start();
            await().atMost(Duration.ofSeconds(20)).until(done);
        } finally {
            if (mailbox != null) {
                mailbox.stop(Duration.ofSeconds(5));
            }
            metrics.close();
            greenMail.stop();
        }
    }

    @Test
    void receiverListensOnLoopbackByDefault() throws Exception {
        assertThat(TlsRptSourceConfig.CONFIG_DEF.configKeys().get(TlsRptSourceConfig.HTTPS_BIND_ADDRESS).defaultValue)
                .isEqualTo("127.0.0.1");
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            InetSocketAddress bound = r.receiver.boundAddress();
            assertThat(bound.getAddress().isLoopbackAddress()).as("bound to %s", bound).isTrue();
            assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            // from another local address the port is closed (when this machine has one)
            Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
            if (external.isPresent()) {
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(external.get(), r.port()), 3_000);
                    }
                }).as("connect to %s:%d", external.get(), r.port()).isInstanceOf(java.io.IOException.class);
            }
        }
    }

    @Test
    void metricsCarryNoReportContent() throws Exception {
        byte[] report = Corpus.gzippedReport(0);
        String json = new String(Corpus.read(Corpus.JSON.get(0)), StandardCharsets.UTF_8);
        try (ReceiverUnderTest r = new ReceiverUnderTest(keystore, Map.of())) {
            var client = new RawClients(keystore).httpClient();
            assertThat(RawClients.post(client, r.uri(), report, Duration.ofSeconds(10)).statusCode()).isEqualTo(201);
            assertThat(RawClients.post(client, r.uri().resolve("/other"), report, Duration.ofSeconds(10)).statusCode())
                    .isEqualTo(404);
            Set<String> allowedTagKeys = Set.of("connector", "status", "intake", "result");
            Set<MetricName> names = r.metrics.metrics().keySet();
            assertThat(names).isNotEmpty();
            for (MetricName n : names) {
                if (n.group().equals("kafka-metrics-count")) {
                    continue; // the registry's own count metric
                }
                assertThat(n.tags().keySet()).as("%s tags", n).isSubsetOf(allowedTagKeys);
                String source = n.tags().get("intake");
                assertThat(source == null || Set.of("https", "imap", "spool").contains(source)).as("%s", n).isTrue();
                String status = n.tags().get("status");
                assertThat(status == null || status.matches("\\d{3}")).as("%s", n).isTrue();
                // the certificate's reloads
                assertThat(n.tags().get("result")).as("%s", n).isIn(null, "applied", "failed");
                // nothing of the report (organisation, domains, contact, report id), nor its provenance
                for (String piece : List.of("Company-X", "company-y.example", "sts-reporting@company-x.example",
                        "5065427c-23d3-47ca-b6e0-946ea0e8c4be")) {
                    assertThat(json).as("the probe is really in the posted report").contains(piece);
                    assertThat(n.toString()).doesNotContain(piece);
                }
                assertThat(n.toString()).doesNotContain("127.0.0.1").doesNotContain("application/");
                assertThat(r.metrics.metrics().get(n).metricValue()).isInstanceOf(Number.class);
            }
        }
    }
}

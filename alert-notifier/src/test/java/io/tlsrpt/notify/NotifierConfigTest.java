package io.tlsrpt.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierConfigTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void defaultsNeedOnlyTheAlertmanagerUrls() {
        NotifierConfig c = NotifierConfig.from(Map.of("alertmanager.urls", "http://am-0:9093, http://am-1:9093/"), NO_ENV);
        assertThat(c.alertmanagerUrls()).containsExactly(URI.create("http://am-0:9093"), URI.create("http://am-1:9093"));
        assertThat(c.topic()).isEqualTo("tlsrpt.alerts.json");
        assertThat(c.groupId()).isEqualTo("tlsrpt-alert-notifier");
        assertThat(c.resendInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.extraLabels()).isEmpty();
        assertThat(c.metricsPort()).isEqualTo(-1);
    }

    @Test
    void environmentOverridesTheFile() {
        NotifierConfig c = NotifierConfig.from(Map.of("alertmanager.urls", "http://file:9093", "resend.interval.ms", "1000"),
                Map.of("TLSRPT_NOTIFIER_ALERTMANAGER_URLS", "https://env:9093",
                        "TLSRPT_NOTIFIER_LABELS_EXTRA", "team=mail,env=prod"));
        assertThat(c.alertmanagerUrls()).containsExactly(URI.create("https://env:9093"));
        assertThat(c.resendInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.extraLabels()).containsExactly(Map.entry("team", "mail"), Map.entry("env", "prod"));
        assertThat(NotifierConfig.envName("alertmanager.timeout.ms")).isEqualTo("TLSRPT_NOTIFIER_ALERTMANAGER_TIMEOUT_MS");
    }

    @Test
    void kafkaKeysPassThroughAndSecretsAreMasked() {
        NotifierConfig c = NotifierConfig.from(Map.of("alertmanager.urls", "http://am:9093",
                "auth.basic.username", "notifier", "auth.basic.password", "s3cret-pw",
                "kafka.security.protocol", "SASL_SSL", "kafka.sasl.jaas.config", "... password=\"kafka-pw\";"), NO_ENV);
        assertThat(c.kafkaOverrides()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.toString()).contains("notifier").contains("SASL_SSL")
                .doesNotContain("s3cret-pw").doesNotContain("kafka-pw");
        assertThat(c.basicPassword()).isEqualTo("s3cret-pw");
    }

    @Test
    void kafkaSettingsComeFromTheEnvironmentTooAndWinOverTheFile() {
        NotifierConfig c = NotifierConfig.from(Map.of("alertmanager.urls", "http://am:9093",
                "kafka.security.protocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN"),
                Map.of("TLSRPT_NOTIFIER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "TLSRPT_NOTIFIER_KAFKA_SASL_JAAS_CONFIG", " ... password=\"kafka-pw\"; ",
                        "TLSRPT_NOTIFIER_KAFKA_", "ignored: names no setting", "TLSRPT_STREAMS_SASL_MECHANISM", "ignored"));
        assertThat(c.kafkaOverrides()).containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "... password=\"kafka-pw\";"));
        assertThat(c.toString()).doesNotContain("kafka-pw");
        assertThat(NotifierConfig.kafkaSettingOfEnv("TLSRPT_NOTIFIER_KAFKA_SSL_TRUSTSTORE_LOCATION"))
                .hasValue("ssl.truststore.location");
        assertThat(NotifierConfig.kafkaSettingOfEnv("TLSRPT_NOTIFIER_TOPIC")).isEmpty();
    }

    @Test
    void invalidValuesAreRejectedWithTheKeyAndItsVariable() {
        assertThatThrownBy(() -> NotifierConfig.from(Map.of(), NO_ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alertmanager.urls").hasMessageContaining("TLSRPT_NOTIFIER_ALERTMANAGER_URLS");
        assertThatThrownBy(() -> config("alertmanager.urls", "ftp://am:21")).hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> config("alertmanager.urls", "http://user:pw@am:9093"))
                .hasMessageContaining("not in the URL").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> config("alertmanager.urls", "http://am:9093,http://am:9093")).hasMessageContaining("twice");
        assertThatThrownBy(() -> config("resend.interval.ms", "0")).hasMessageContaining("must be > 0");
        assertThatThrownBy(() -> config("alertmanager.timeout.ms", "soon")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> config("labels.extra", "severity=high")).hasMessageContaining("set by the notifier");
        assertThatThrownBy(() -> config("labels.extra", "bad-name=x")).hasMessageContaining("not a valid");
        assertThatThrownBy(() -> config("labels.extra", "team")).hasMessageContaining("name=value");
        assertThatThrownBy(() -> config("auth.bearer.token", "t", "auth.basic.username", "u"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> config("tls.truststore.path", "/nonexistent/ca.p12")).hasMessageContaining("not readable");
        assertThatThrownBy(() -> config("retry.backoff.initial.ms", "5000", "retry.backoff.max.ms", "100"))
                .hasMessageContaining("retry.backoff.max.ms");
        assertThatThrownBy(() -> config("metrics.port", "70000")).hasMessageContaining("metrics.port");
        assertThatThrownBy(() -> config("alertmanager.url", "http://typo")).hasMessageContaining("unknown");
        assertThatThrownBy(() -> config("domain.url", "http://tlsrpt:9464/v1/domains/")).hasMessageContaining("{policy_domain}");
        assertThatThrownBy(() -> config("domain.url", "file:///{policy_domain}")).hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> config("domain.url", "https://u:pw@dash/{policy_domain}"))
                .hasMessageContaining("credentials").hasMessageNotContaining("pw@");
        assertThat(config("domain.url", "http://tlsrpt:9464/v1/domains/{policy_domain}").domainUrl())
                .isEqualTo("http://tlsrpt:9464/v1/domains/{policy_domain}");
        NotifierConfig perTenant = config("domain.url", "https://portal/{tenant}/tls/{policy_domain}");
        assertThat(perTenant.domainUrl()).isEqualTo("https://portal/{tenant}/tls/{policy_domain}");
        assertThat(perTenant.toString()).contains("https://portal/{tenant}/tls/{policy_domain}");
        assertThatThrownBy(() -> config("domain.url", "https://portal/{tenant}/tls/"))
                .hasMessageContaining("{policy_domain}");
    }

    @Test
    void anOauthClientNeedsItsIdAndSecretAndNoOtherAuthentication() {
        NotifierConfig oauth = config("auth.oauth2.token.url", "https://login.example/token", "auth.oauth2.client.id",
                "notifier", "auth.oauth2.client.secret", "cl1ent-s3cret", "auth.oauth2.scopes", " api://am/.default ");
        assertThat(oauth.oauth2TokenUrl()).hasToString("https://login.example/token");
        assertThat(oauth.oauth2Scopes()).isEqualTo("api://am/.default");
        assertThat(oauth.toString()).contains("auth.oauth2.client.secret=******").doesNotContain("cl1ent-s3cret");
        assertThat(config().oauth2TokenUrl()).isNull();
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "http://login.example/token",
                "auth.oauth2.client.id", "n", "auth.oauth2.client.secret", "s")).hasMessageContaining("https URL");
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "https://login.example/token"))
                .hasMessageContaining("needs auth.oauth2.client.id and one of auth.oauth2.client.secret and "
                        + "auth.oauth2.client.secret.file");
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "https://login.example/token",
                "auth.oauth2.client.id", "n", "auth.oauth2.client.secret", "s", "auth.bearer.token", "t"))
                .hasMessageContaining("not two");
        assertThatThrownBy(() -> config("auth.oauth2.client.id", "n")).hasMessageContaining("need auth.oauth2.token.url");
    }

    /** The secret from a file (a Kubernetes Secret's volume), read again by the client when the file changes. */
    @Test
    void anOauthClientsSecretMayComeFromAFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("client-secret"), "cl1ent-s3cret\n");
        NotifierConfig oauth = config("auth.oauth2.token.url", "https://login.example/token", "auth.oauth2.client.id",
                "notifier", "auth.oauth2.client.secret.file", secret.toString());
        assertThat(oauth.oauth2ClientSecretFile()).isEqualTo(secret);
        assertThat(NotifierConfig.secretOf(secret)).isEqualTo("cl1ent-s3cret");
        assertThat(oauth.toString()).contains("auth.oauth2.client.secret.file=" + secret).doesNotContain("cl1ent");
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "https://login.example/token",
                "auth.oauth2.client.id", "notifier", "auth.oauth2.client.secret.file", secret.toString(),
                "auth.oauth2.client.secret", "s")).hasMessageContaining("one of auth.oauth2.client.secret and");
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "https://login.example/token",
                "auth.oauth2.client.id", "notifier", "auth.oauth2.client.secret.file", empty.toString()))
                .hasMessageContaining("auth.oauth2.client.secret.file").hasMessageContaining("is empty");
        assertThatThrownBy(() -> config("auth.oauth2.client.secret.file", secret.toString()))
                .hasMessageContaining("need auth.oauth2.token.url");
        assertThatThrownBy(() -> config("auth.oauth2.token.url", "https://login.example/token",
                "auth.oauth2.client.id", "notifier", "auth.oauth2.client.secret.file", dir.resolve("none").toString()))
                .hasMessageContaining("file not readable");
    }

    @Test
    void readsAPropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notifier.properties");
        Files.writeString(file, "# notifier\nalertmanager.urls=http://127.0.0.1:9093\nlabels.extra=team=mail\n");
        NotifierConfig c = NotifierConfig.fromFile(file);
        assertThat(c.extraLabels()).containsEntry("team", "mail");
    }

    @Test
    void theExampleInDeployIsValid() throws Exception {
        Path example = Path.of("..", "deploy", "alertmanager", "notifier.properties");
        NotifierConfig c = NotifierConfig.fromFile(example);
        assertThat(c.alertmanagerUrls()).isNotEmpty();
        assertThat(c.resendInterval()).isLessThan(Duration.ofMinutes(5));
    }

    @Test
    void everyDocumentedKeyHasAnEnvironmentVariable() {
        NotifierConfig.DEFAULTS.keySet().forEach(k -> assertThat(NotifierConfig.envName(k)).matches("TLSRPT_NOTIFIER_[A-Z0-9_]+"));
    }

    private static NotifierConfig config(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("alertmanager.urls", "http://am:9093");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return NotifierConfig.from(m, NO_ENV);
    }
}

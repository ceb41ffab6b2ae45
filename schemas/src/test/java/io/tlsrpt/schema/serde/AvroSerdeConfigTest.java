package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void defaultsAreConfluents() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r:8081"));
        assertThat(config.registryUrls()).containsExactly("http://r:8081");
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.subjectNameStrategy(true)).isInstanceOf(SubjectNameStrategy.TopicNameStrategy.class);
        assertThat(config.subjectNameStrategy(false)).isInstanceOf(SubjectNameStrategy.TopicNameStrategy.class);
        assertThat(config.restSettings()).isEqualTo(RestSchemaRegistryClient.Settings.defaults());
    }

    @Test
    void readsEveryKey() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://a:8081, http://b:8081/apis/ccompat/v7",
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
                AvroSerdeConfig.USE_LATEST_VERSION, true,
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "user:secret",
                AvroSerdeConfig.CONNECT_TIMEOUT_MS, "1500",
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, 2500));
        assertThat(config.registryUrls()).containsExactly("http://a:8081", "http://b:8081/apis/ccompat/v7");
        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.useLatestVersion()).isTrue();
        assertThat(config.subjectNameStrategy(false)).isInstanceOf(SubjectNameStrategy.RecordNameStrategy.class);
        assertThat(config.restSettings()).isEqualTo(new RestSchemaRegistryClient.Settings(
                Duration.ofMillis(1500), Duration.ofMillis(2500), "user:secret", null));
        assertThat(config.restSettings().toString()).doesNotContain("secret");
        assertThat(SchemaRegistryClients.forConfig(config)).isInstanceOf(RestSchemaRegistryClient.class);
    }

    @Test
    void refusesBadConfigurations() {
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                List.of("mock://a", "http://b:8081"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mock://");
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r",
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "u:p", AvroSerdeConfig.BEARER_AUTH_TOKEN, "t")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "no-colon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("user:password")
                .hasMessageNotContaining("no-colon");
        assertThatThrownBy(() -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://r",
                AvroSerdeConfig.REQUEST_TIMEOUT_MS, 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdeConfig.REQUEST_TIMEOUT_MS);
        assertThatThrownBy(() -> SchemaRegistryClients.forUrl("ftp://r"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://r");
    }

    @Test
    void everyKeyIsDocumented() {
        assertThat(AvroSerdeConfig.CONFIG_DEF.configKeys().values())
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
    }
}

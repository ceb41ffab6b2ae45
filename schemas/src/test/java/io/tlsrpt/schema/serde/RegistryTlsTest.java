package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST client over real HTTPS: a private CA's server certificate, and client certificates. */
class RegistryTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path stores;

    private final String scope = "tls-test-" + UUID.randomUUID();
    private RegistryHttpServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        // self-signed certificates (the server's for 127.0.0.1), and trust stores holding each other's
        KeyStore.PrivateKeyEntry registry = TestCertificates.selfSigned("127.0.0.1", true);
        KeyStore.PrivateKeyEntry client = TestCertificates.selfSigned("tlsrpt-client", false);
        TestCertificates.writeKeyStore(stores.resolve("server.p12"), "registry", registry, PASSWORD);
        TestCertificates.writeKeyStore(stores.resolve("client.p12"), "client", client, PASSWORD);
        TestCertificates.writeTrustStore(stores.resolve("client-trust.p12"), "registry", registry, PASSWORD);
        TestCertificates.writeTrustStore(stores.resolve("server-trust.p12"), "client", client, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        MockSchemaRegistry.dropScope(scope);
    }

    @Test
    void trustsARegistryCertificateFromTheConfiguredTrustStoreOnly() throws IOException {
        server = new RegistryHttpServer("", scope, serverTls(null), false);

        assertThatThrownBy(() -> SchemaRegistryClients.forUrl(server.url()).register("a-value", Alert.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("did not answer")
                .hasMessageContaining("SSLHandshakeException");

        Map<String, Object> config = new HashMap<>(trusting());
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, config, false)) {
            byte[] bytes = serde.serializer().serialize("tlsrpt.alerts", TestRecords.alert());
            assertThat(serde.deserializer().deserialize("tlsrpt.alerts", bytes)).isEqualTo(TestRecords.alert());
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void presentsAClientCertificateWhenTheRegistryAsksForOne() throws IOException {
        server = new RegistryHttpServer("", scope, serverTls(path("server-trust.p12")), true);

        assertThatThrownBy(() -> SchemaRegistryClients.forConfig(trusting()).register("a-value", Alert.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class);

        Map<String, Object> config = new HashMap<>(trusting());
        config.put(AvroSerdeConfig.SSL_KEYSTORE_LOCATION, path("client.p12"));
        config.put(AvroSerdeConfig.SSL_KEYSTORE_PASSWORD, PASSWORD);
        assertThat(SchemaRegistryClients.forConfig(config).register("a-value", Alert.getClassSchema())).isEqualTo(1);
    }

    @Test
    void anUnreadableStoreIsAClearError() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "https://127.0.0.1:1",
                AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, path("missing.p12"));
        assertThatThrownBy(() -> SchemaRegistryClients.forConfig(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the schema registry trust store")
                .hasMessageContaining("missing.p12");
        Map<String, Object> wrongPassword = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "https://127.0.0.1:1",
                AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, path("client-trust.p12"),
                AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, "wrong");
        assertThatThrownBy(() -> SchemaRegistryClients.forConfig(wrongPassword))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client-trust.p12");
        assertThat(new AvroSerdeConfig(wrongPassword).restSettings().toString()).doesNotContain("wrong");
    }

    private Map<String, Object> trusting() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url(),
                AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, path("client-trust.p12"),
                AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD, PASSWORD);
    }

    private static javax.net.ssl.SSLContext serverTls(String trustStore) {
        return new RegistryTls(trustStore, PASSWORD, "PKCS12", path("server.p12"), PASSWORD, "PKCS12", null).context();
    }

    private static String path(String name) {
        return stores.resolve(name).toString();
    }
}

package io.tlsrpt.schema.serde;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Confluent-wire-format Avro serde. The keys are Confluent's, so a configuration
 * written for Confluent's serializer works here; keys this serde does not know are ignored (the map
 * usually is a whole producer, consumer or Streams configuration).
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Schema registry base URL(s), comma-separated mirrors of"
            + " one registry: http(s)://host:port[/path] (Apicurio: .../apis/ccompat/v7), or mock://scope for an"
            + " in-process registry shared by every serde of the JVM naming the same scope.";

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether the serializer registers the record's schema"
            + " under its subject. When false the schema must already be registered (it is looked up).";

    public static final String USE_LATEST_VERSION = "use.latest.version";
    private static final String USE_LATEST_VERSION_DOC = "Whether the serializer writes with the subject's latest"
            + " registered schema instead of the record's own (which must then be readable by the latest one)."
            + " Takes precedence over auto.register.schemas.";

    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    private static final String SUBJECT_NAME_STRATEGY_DOC = "How the subject is named: TopicNameStrategy"
            + " (<topic>-key / <topic>-value), RecordNameStrategy (record full name), TopicRecordNameStrategy"
            + " (<topic>-<record full name>), Confluent's class names of these, or a class implementing "
            + SubjectNameStrategy.class.getName() + ".";

    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "user:password for HTTP basic authentication at the"
            + " registry. Mutually exclusive with bearer.auth.token.";

    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    private static final String BEARER_AUTH_TOKEN_DOC = "Static bearer token sent to the registry.";

    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    private static final String CONNECT_TIMEOUT_MS_DOC = "How long to wait for a connection to the registry.";

    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    private static final String REQUEST_TIMEOUT_MS_DOC = "How long to wait for the registry's answer to one request.";

    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Trust store with the CA that signed an https"
            + " registry's certificate, when the JVM's default trust store does not have it.";
    private static final String SSL_KEYSTORE_LOCATION_DOC = "Key store with this client's certificate and key, for"
            + " registries that require client certificates (mutual TLS).";

    public static final String KEY_TYPE = "specific.avro.key.type";
    public static final String VALUE_TYPE = "specific.avro.value.type";
    private static final String TYPE_DOC = "The generated record class read and written, for serdes created by class"
            + " name (e.g. Kafka's key.deserializer / value.deserializer, Streams' default serdes), which cannot be"
            + " given the class in their constructor. Not needed when the class is passed to the constructor.";

    public static final String DEFAULT_SUBJECT_NAME_STRATEGY = "TopicNameStrategy";

    private static final ConfigDef.Validator STRATEGY_VALIDATOR = (name, value) -> {
        try {
            SubjectNameStrategies.resolve((String) value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    };

    private static final ConfigDef.Validator URL_VALIDATOR = (name, value) -> {
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) value;
        if (urls == null || urls.isEmpty() || urls.stream().anyMatch(String::isBlank)) {
            throw new ConfigException(name, value, "a schema registry URL is required");
        }
        if (urls.stream().anyMatch(MockSchemaRegistry::isMockUrl) && urls.size() > 1) {
            throw new ConfigException(name, value, "a mock:// URL cannot be combined with other URLs");
        }
    };

    /** The documented keys with defaults and validators. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.LIST, ConfigDef.NO_DEFAULT_VALUE, URL_VALIDATOR,
                    ConfigDef.Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(AUTO_REGISTER_SCHEMAS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM,
                    AUTO_REGISTER_SCHEMAS_DOC)
            .define(USE_LATEST_VERSION, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM,
                    USE_LATEST_VERSION_DOC)
            .define(KEY_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, DEFAULT_SUBJECT_NAME_STRATEGY,
                    STRATEGY_VALIDATOR, ConfigDef.Importance.LOW, SUBJECT_NAME_STRATEGY_DOC)
            .define(VALUE_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, DEFAULT_SUBJECT_NAME_STRATEGY,
                    STRATEGY_VALIDATOR, ConfigDef.Importance.LOW, SUBJECT_NAME_STRATEGY_DOC)
            .define(BASIC_AUTH_USER_INFO, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    BASIC_AUTH_USER_INFO_DOC)
            .define(BEARER_AUTH_TOKEN, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    BEARER_AUTH_TOKEN_DOC)
            .define(CONNECT_TIMEOUT_MS, ConfigDef.Type.INT, 10_000, ConfigDef.Range.between(1, 600_000),
                    ConfigDef.Importance.LOW, CONNECT_TIMEOUT_MS_DOC)
            .define(REQUEST_TIMEOUT_MS, ConfigDef.Type.INT, 30_000, ConfigDef.Range.between(1, 600_000),
                    ConfigDef.Importance.LOW, REQUEST_TIMEOUT_MS_DOC)
            .define(SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                    SSL_TRUSTSTORE_LOCATION_DOC)
            .define(SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
                    "Password of the trust store.")
            .define(SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "PKCS12", ConfigDef.Importance.LOW,
                    "Type of the trust store: PKCS12 or JKS.")
            .define(SSL_KEYSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                    SSL_KEYSTORE_LOCATION_DOC)
            .define(SSL_KEYSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
                    "Password of the key store.")
            .define(SSL_KEYSTORE_TYPE, ConfigDef.Type.STRING, "PKCS12", ConfigDef.Importance.LOW,
                    "Type of the key store: PKCS12 or JKS.")
            .define(SSL_KEY_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
                    "Password of the key in the key store, when it differs from the store's.")
            .define(KEY_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW, TYPE_DOC)
            .define(VALUE_TYPE, ConfigDef.Type.CLASS, null, ConfigDef.Importance.LOW, TYPE_DOC);

    /** Parses and validates; throws {@link ConfigException} naming the bad key. */
    public AvroSerdeConfig(Map<String, ?> originals) {
        super(CONFIG_DEF, originals, false);
        if (password(BASIC_AUTH_USER_INFO) != null && password(BEARER_AUTH_TOKEN) != null) {
            throw new ConfigException("Set either " + BASIC_AUTH_USER_INFO + " or " + BEARER_AUTH_TOKEN + ", not both");
        }
        String userInfo = password(BASIC_AUTH_USER_INFO);
        if (userInfo != null && !userInfo.contains(":")) {
            throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "must be user:password");
        }
    }

    public List<String> registryUrls() {
        return getList(SCHEMA_REGISTRY_URL).stream().map(String::trim).toList();
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    /** The strategy for keys ({@code isKey}) or values. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return SubjectNameStrategies.resolve(getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY));
    }

    /**
     * The record class configured for keys ({@code isKey}) or values, or {@code null} when none is; throws
     * {@link ConfigException} for a class that is not a generated Avro record.
     */
    @SuppressWarnings("unchecked")
    public <T extends org.apache.avro.specific.SpecificRecord> Class<T> recordType(boolean isKey) {
        String key = isKey ? KEY_TYPE : VALUE_TYPE;
        Class<?> type = getClass(key);
        if (type != null && !org.apache.avro.specific.SpecificRecord.class.isAssignableFrom(type)) {
            throw new ConfigException(key, type.getName(), "not a generated Avro record class (SpecificRecord)");
        }
        return (Class<T>) type;
    }

    /** Timeouts and credentials for {@link RestSchemaRegistryClient}. */
    public RestSchemaRegistryClient.Settings restSettings() {
        return new RestSchemaRegistryClient.Settings(
                Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS)),
                password(BASIC_AUTH_USER_INFO),
                password(BEARER_AUTH_TOKEN),
                new RegistryTls(blankToNull(getString(SSL_TRUSTSTORE_LOCATION)), password(SSL_TRUSTSTORE_PASSWORD),
                        getString(SSL_TRUSTSTORE_TYPE), blankToNull(getString(SSL_KEYSTORE_LOCATION)),
                        password(SSL_KEYSTORE_PASSWORD), getString(SSL_KEYSTORE_TYPE), password(SSL_KEY_PASSWORD)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private String password(String key) {
        Password value = getPassword(key);
        return value == null || value.value().isEmpty() ? null : value.value();
    }
}

package io.tlsrpt.notify;

import io.tlsrpt.oauth.HttpsUrl;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Typed, validated configuration of the alert notifier.
 *
 * <p>Sources, later wins: built-in defaults, a properties map (usually a file), environment variables
 * {@code TLSRPT_NOTIFIER_<KEY>} where KEY is the key upper-cased with dots replaced by underscores
 * (e.g. {@code TLSRPT_NOTIFIER_ALERTMANAGER_URLS}). Keys starting with {@code kafka.} are passed, without the
 * prefix, to the Kafka consumer (security.protocol, sasl.*, ssl.* ...), or come as variables
 * {@code TLSRPT_NOTIFIER_KAFKA_<NAME>} (NAME upper-cased, dots as underscores: {@code TLSRPT_NOTIFIER_KAFKA_SASL_JAAS_CONFIG}
 * is {@code kafka.sasl.jaas.config}), so a password can come from a Kubernetes Secret.
 * Secrets (passwords, tokens) never appear in {@link #toString()} or in logs.
 */
public final class NotifierConfig {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NotifierConfig.class);

    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Topic carrying the JSON alerts (AvroJson form of the Alert record). */
    public static final String TOPIC = "topic";
    /** Consumer group; offsets of this group are committed only after Alertmanager accepted the alerts. */
    public static final String GROUP_ID = "group.id";
    /** Comma-separated Alertmanager base URLs (e.g. http://am-0:9093,http://am-1:9093); all are posted to. */
    public static final String ALERTMANAGER_URLS = "alertmanager.urls";
    /** Per-request timeout (connect + response) towards Alertmanager, milliseconds. */
    public static final String TIMEOUT_MS = "alertmanager.timeout.ms";
    /** Interval at which firing alerts are re-posted; must stay below Alertmanager's resolve_timeout (default 5m). */
    public static final String RESEND_INTERVAL_MS = "resend.interval.ms";
    /** First retry delay after a failed post, milliseconds; doubles per attempt, with jitter. */
    public static final String RETRY_BACKOFF_INITIAL_MS = "retry.backoff.initial.ms";
    /** Upper bound of the retry delay, milliseconds. */
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    /** Extra static labels added to every alert: name=value pairs separated by commas (e.g. team=mail,env=prod). */
    public static final String EXTRA_LABELS = "labels.extra";
    /**
     * A link per alert to its policy domain, {@value #DOMAIN_PLACEHOLDER} replaced by the domain (the processor's
     * {@code /v1/domains/{policy_domain}}, a dashboard): the {@code domain_url} annotation. Empty: none.
     */
    public static final String DOMAIN_URL = "domain.url";
    /** What {@link #DOMAIN_URL} replaces by the alert's policy domain. */
    public static final String DOMAIN_PLACEHOLDER = "{policy_domain}";
    /**
     * What {@link #DOMAIN_URL} may also name, replaced by the alert's tenant (a provider's portal per customer); an
     * alert without a tenant then gets no link.
     */
    public static final String TENANT_PLACEHOLDER = "{tenant}";
    /** Basic auth user name (with basic.password); exclusive with the bearer token. */
    public static final String BASIC_USERNAME = "auth.basic.username";
    /** Basic auth password. Secret. */
    public static final String BASIC_PASSWORD = "auth.basic.password";
    /** Bearer token sent as "Authorization: Bearer ...". Secret. */
    public static final String BEARER_TOKEN = "auth.bearer.token";
    /**
     * OAuth 2.0 token endpoint (https) whose client credentials tokens are sent as "Authorization: Bearer ..." (an
     * Alertmanager behind an OAuth gateway, as Prometheus' own {@code oauth2} does); exclusive with basic auth and the
     * bearer token.
     */
    public static final String OAUTH2_TOKEN_URL = "auth.oauth2.token.url";
    /** The OAuth client's id (with auth.oauth2.token.url). */
    public static final String OAUTH2_CLIENT_ID = "auth.oauth2.client.id";
    /** The OAuth client's secret. Secret. */
    public static final String OAUTH2_CLIENT_SECRET = "auth.oauth2.client.secret";
    /**
     * A file holding the OAuth client's secret instead (a Kubernetes Secret's volume), read again when it changes: a
     * secret rotated in place is used from the next token request on, without a restart (Prometheus'
     * {@code client_secret_file}).
     */
    public static final String OAUTH2_CLIENT_SECRET_FILE = "auth.oauth2.client.secret.file";
    /** Scopes asked for, space-separated; empty: none. */
    public static final String OAUTH2_SCOPES = "auth.oauth2.scopes";
    /** PEM certificates of the authorities trusted for the token endpoint; empty: the JVM's. */
    public static final String OAUTH2_CA_FILE = "auth.oauth2.ca.file";
    /** Truststore (PKCS12 or JKS) with the CA(s) that sign Alertmanager's certificate; empty = JVM default trust. */
    public static final String TRUSTSTORE_PATH = "tls.truststore.path";
    /** Truststore password. Secret. */
    public static final String TRUSTSTORE_PASSWORD = "tls.truststore.password";
    /** Truststore type. */
    public static final String TRUSTSTORE_TYPE = "tls.truststore.type";
    /** Keystore with a client certificate for mutual TLS; empty = no client certificate. */
    public static final String KEYSTORE_PATH = "tls.keystore.path";
    /** Keystore password (also used for the key). Secret. */
    public static final String KEYSTORE_PASSWORD = "tls.keystore.password";
    /** Keystore type. */
    public static final String KEYSTORE_TYPE = "tls.keystore.type";
    /** Most records held in memory that are not yet accepted by every Alertmanager; above it the consumer pauses. */
    public static final String MAX_PENDING_RECORDS = "max.pending.records";
    /** Longest time spent re-reading the alert topic to rebuild the set of firing alerts after an assignment. */
    public static final String REBUILD_TIMEOUT_MS = "rebuild.timeout.ms";
    /** Port of the Prometheus /metrics endpoint of the standalone main (127.0.0.1); -1 disables it. */
    public static final String METRICS_PORT = "metrics.port";
    /** Address the metrics endpoint binds to. */
    public static final String METRICS_BIND = "metrics.bind";

    /** Prefix of keys passed to the Kafka consumer. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of the environment variables that override keys. */
    public static final String ENV_PREFIX = "TLSRPT_NOTIFIER_";
    /** Prefix of the environment variables that give {@code kafka.*} keys (no documented key starts with kafka.). */
    public static final String KAFKA_ENV_PREFIX = envName(KAFKA_PREFIX);

    /** Labels the notifier sets itself; extra labels may not replace them. */
    public static final Set<String> RESERVED_LABELS =
            Set.of("alertname", "severity", "policy_domain", "result_type", "source", "alert_id");

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> SECRET_KEYS = Set.of(BASIC_PASSWORD, BEARER_TOKEN, OAUTH2_CLIENT_SECRET,
            TRUSTSTORE_PASSWORD, KEYSTORE_PASSWORD);

    /** Documented keys with their defaults ("" = unset). Order is the documentation order. */
    public static final Map<String, String> DEFAULTS;
    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        d.put(TOPIC, "tlsrpt.alerts.json");
        d.put(GROUP_ID, "tlsrpt-alert-notifier");
        d.put(ALERTMANAGER_URLS, "");
        d.put(TIMEOUT_MS, "10000");
        d.put(RESEND_INTERVAL_MS, "60000");
        d.put(RETRY_BACKOFF_INITIAL_MS, "500");
        d.put(RETRY_BACKOFF_MAX_MS, "30000");
        d.put(EXTRA_LABELS, "");
        d.put(DOMAIN_URL, "");
        d.put(BASIC_USERNAME, "");
        d.put(BASIC_PASSWORD, "");
        d.put(BEARER_TOKEN, "");
        d.put(OAUTH2_TOKEN_URL, "");
        d.put(OAUTH2_CLIENT_ID, "");
        d.put(OAUTH2_CLIENT_SECRET, "");
        d.put(OAUTH2_CLIENT_SECRET_FILE, "");
        d.put(OAUTH2_SCOPES, "");
        d.put(OAUTH2_CA_FILE, "");
        d.put(TRUSTSTORE_PATH, "");
        d.put(TRUSTSTORE_PASSWORD, "");
        d.put(TRUSTSTORE_TYPE, "PKCS12");
        d.put(KEYSTORE_PATH, "");
        d.put(KEYSTORE_PASSWORD, "");
        d.put(KEYSTORE_TYPE, "PKCS12");
        d.put(MAX_PENDING_RECORDS, "10000");
        d.put(REBUILD_TIMEOUT_MS, "30000");
        d.put(METRICS_PORT, "-1");
        d.put(METRICS_BIND, "127.0.0.1");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private final String bootstrapServers;
    private final String topic;
    private final String groupId;
    private final List<URI> alertmanagerUrls;
    private final Duration timeout;
    private final Duration resendInterval;
    private final Duration retryBackoffInitial;
    private final Duration retryBackoffMax;
    private final Map<String, String> extraLabels;
    private final String domainUrl;
    private final String basicUsername;
    private final String basicPassword;
    private final String bearerToken;
    private final URI oauth2TokenUrl;
    private final String oauth2ClientId;
    private final String oauth2ClientSecret;
    private final Path oauth2ClientSecretFile;
    private final String oauth2Scopes;
    private final Path oauth2CaFile;
    private final Path truststorePath;
    private final String truststorePassword;
    private final String truststoreType;
    private final Path keystorePath;
    private final String keystorePassword;
    private final String keystoreType;
    private final int maxPendingRecords;
    private final Duration rebuildTimeout;
    private final int metricsPort;
    private final String metricsBind;
    private final Map<String, Object> kafkaOverrides;

    private NotifierConfig(Map<String, String> v, Map<String, Object> kafka) {
        bootstrapServers = required(v, BOOTSTRAP_SERVERS);
        topic = required(v, TOPIC);
        groupId = required(v, GROUP_ID);
        alertmanagerUrls = parseUrls(required(v, ALERTMANAGER_URLS));
        timeout = Duration.ofMillis(positiveLong(v, TIMEOUT_MS));
        resendInterval = Duration.ofMillis(positiveLong(v, RESEND_INTERVAL_MS));
        retryBackoffInitial = Duration.ofMillis(positiveLong(v, RETRY_BACKOFF_INITIAL_MS));
        retryBackoffMax = Duration.ofMillis(positiveLong(v, RETRY_BACKOFF_MAX_MS));
        if (retryBackoffMax.compareTo(retryBackoffInitial) < 0) {
            throw invalid(RETRY_BACKOFF_MAX_MS, "must be >= " + RETRY_BACKOFF_INITIAL_MS);
        }
        if (resendInterval.compareTo(Duration.ofMinutes(5)) >= 0) {
            // Alertmanager's default resolve_timeout is 5m; a longer interval lets firing alerts expire between posts.
            log.warn(
                    "{}={} is not below Alertmanager's default resolve_timeout (5m): make sure resolve_timeout is longer",
                    RESEND_INTERVAL_MS, resendInterval.toMillis());
        }
        extraLabels = parseLabels(v.get(EXTRA_LABELS));
        domainUrl = parseDomainUrl(v.get(DOMAIN_URL));
        basicUsername = v.get(BASIC_USERNAME);
        basicPassword = v.get(BASIC_PASSWORD);
        bearerToken = v.get(BEARER_TOKEN);
        if (!basicUsername.isEmpty() && !bearerToken.isEmpty()) {
            throw invalid(BEARER_TOKEN, "set either basic auth or a bearer token, not both");
        }
        if (basicUsername.isEmpty() && !basicPassword.isEmpty()) {
            throw invalid(BASIC_USERNAME, "is required when " + BASIC_PASSWORD + " is set");
        }
        oauth2TokenUrl = parseTokenUrl(v.get(OAUTH2_TOKEN_URL));
        oauth2ClientId = v.get(OAUTH2_CLIENT_ID);
        oauth2ClientSecret = v.get(OAUTH2_CLIENT_SECRET);
        oauth2ClientSecretFile = optionalFile(v, OAUTH2_CLIENT_SECRET_FILE);
        oauth2Scopes = v.get(OAUTH2_SCOPES).strip();
        oauth2CaFile = optionalFile(v, OAUTH2_CA_FILE);
        if (oauth2TokenUrl != null) {
            if (!basicUsername.isEmpty() || !bearerToken.isEmpty()) {
                throw invalid(OAUTH2_TOKEN_URL, "set one of basic auth, a bearer token or OAuth 2.0, not two");
            }
            if (oauth2ClientId.isEmpty() || oauth2ClientSecret.isEmpty() == (oauth2ClientSecretFile == null)) {
                throw invalid(OAUTH2_TOKEN_URL, "needs " + OAUTH2_CLIENT_ID + " and one of " + OAUTH2_CLIENT_SECRET
                        + " and " + OAUTH2_CLIENT_SECRET_FILE);
            }
            if (oauth2ClientSecretFile != null) {
                try {
                    secretOf(oauth2ClientSecretFile);
                } catch (IllegalArgumentException e) {
                    throw invalid(OAUTH2_CLIENT_SECRET_FILE, e.getMessage());
                }
            }
        } else if (!oauth2ClientId.isEmpty() || !oauth2ClientSecret.isEmpty() || oauth2ClientSecretFile != null) {
            throw invalid(OAUTH2_CLIENT_ID, "and " + OAUTH2_CLIENT_SECRET + " need " + OAUTH2_TOKEN_URL);
        }
        truststorePath = optionalFile(v, TRUSTSTORE_PATH);
        truststorePassword = v.get(TRUSTSTORE_PASSWORD);
        truststoreType = required(v, TRUSTSTORE_TYPE);
        keystorePath = optionalFile(v, KEYSTORE_PATH);
        keystorePassword = v.get(KEYSTORE_PASSWORD);
        keystoreType = required(v, KEYSTORE_TYPE);
        maxPendingRecords = (int) Math.min(Integer.MAX_VALUE, positiveLong(v, MAX_PENDING_RECORDS));
        rebuildTimeout = Duration.ofMillis(positiveLong(v, REBUILD_TIMEOUT_MS));
        metricsPort = parseInt(v, METRICS_PORT);
        if (metricsPort < -1 || metricsPort > 65535) {
            throw invalid(METRICS_PORT, "must be -1 (off) or a port 0..65535");
        }
        metricsBind = required(v, METRICS_BIND);
        kafkaOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
    }

    /** Defaults, then {@code props}, then environment variables from {@link System#getenv()}. */
    public static NotifierConfig from(Map<String, String> props) {
        return from(props, System.getenv());
    }

    /** As {@link #from(Map)} but with an explicit environment (for tests). */
    public static NotifierConfig from(Map<String, String> props, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, Object> kafka = new LinkedHashMap<>();
        props.forEach((key, value) -> {
            String k = key.trim();
            if (k.startsWith(KAFKA_PREFIX)) {
                kafka.put(k.substring(KAFKA_PREFIX.length()), value.trim());
            } else if (DEFAULTS.containsKey(k)) {
                values.put(k, value.trim());
            } else {
                throw new IllegalArgumentException("unknown notifier configuration key '" + k + "'; known keys: "
                        + DEFAULTS.keySet() + " and " + KAFKA_PREFIX + "*");
            }
        });
        for (String key : DEFAULTS.keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv.trim());
            }
        }
        env.forEach((name, value) -> kafkaSettingOfEnv(name).ifPresent(setting -> kafka.put(setting, value.trim())));
        return new NotifierConfig(values, kafka);
    }

    /** Reads a properties file and applies {@link #from(Map)}. */
    public static NotifierConfig fromFile(Path file) throws java.io.IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(n -> m.put(n, p.getProperty(n)));
        return from(m);
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The Kafka client setting a {@code TLSRPT_NOTIFIER_KAFKA_<NAME>} variable gives (NAME lower-cased, underscores
     * as dots: {@code TLSRPT_NOTIFIER_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}); empty for any other
     * variable.
     */
    public static Optional<String> kafkaSettingOfEnv(String envName) {
        if (!envName.startsWith(KAFKA_ENV_PREFIX) || envName.length() == KAFKA_ENV_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(envName.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
    }

    public String bootstrapServers() { return bootstrapServers; }
    public String topic() { return topic; }
    public String groupId() { return groupId; }
    public List<URI> alertmanagerUrls() { return alertmanagerUrls; }
    public Duration timeout() { return timeout; }
    public Duration resendInterval() { return resendInterval; }
    public Duration retryBackoffInitial() { return retryBackoffInitial; }
    public Duration retryBackoffMax() { return retryBackoffMax; }
    public Map<String, String> extraLabels() { return extraLabels; }
    /** The {@link #DOMAIN_URL} template; empty when none. */
    public String domainUrl() { return domainUrl; }
    public String basicUsername() { return basicUsername; }
    String basicPassword() { return basicPassword; }
    String bearerToken() { return bearerToken; }
    /** The {@link #OAUTH2_TOKEN_URL}; null without one. */
    public URI oauth2TokenUrl() { return oauth2TokenUrl; }
    public String oauth2ClientId() { return oauth2ClientId; }
    String oauth2ClientSecret() { return oauth2ClientSecret; }
    /** {@link #OAUTH2_CLIENT_SECRET_FILE}, or null. */
    public Path oauth2ClientSecretFile() { return oauth2ClientSecretFile; }

    /**
     * The secret a secret file holds: its text without surrounding white space (a line end a text editor added).
     *
     * @throws IllegalArgumentException when the file cannot be read or holds nothing
     */
    static String secretOf(Path file) {
        String secret;
        try {
            secret = Files.readString(file).strip();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        return secret;
    }
    public String oauth2Scopes() { return oauth2Scopes; }
    public Path oauth2CaFile() { return oauth2CaFile; }
    public Path truststorePath() { return truststorePath; }
    String truststorePassword() { return truststorePassword; }
    public String truststoreType() { return truststoreType; }
    public Path keystorePath() { return keystorePath; }
    String keystorePassword() { return keystorePassword; }
    public String keystoreType() { return keystoreType; }
    public int maxPendingRecords() { return maxPendingRecords; }
    public Duration rebuildTimeout() { return rebuildTimeout; }
    public int metricsPort() { return metricsPort; }
    public String metricsBind() { return metricsBind; }
    /** Extra consumer properties from {@code kafka.*} keys, prefix removed. */
    public Map<String, Object> kafkaOverrides() { return kafkaOverrides; }

    private static URI parseTokenUrl(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return HttpsUrl.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(OAUTH2_TOKEN_URL, e.getMessage());
        }
    }

    /** A URL as it may be logged: no user info, no query (where tokens sometimes hide). */
    public static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put(BOOTSTRAP_SERVERS, bootstrapServers);
        shown.put(TOPIC, topic);
        shown.put(GROUP_ID, groupId);
        shown.put(ALERTMANAGER_URLS, alertmanagerUrls.stream().map(NotifierConfig::redact).toList());
        shown.put(TIMEOUT_MS, timeout.toMillis());
        shown.put(RESEND_INTERVAL_MS, resendInterval.toMillis());
        shown.put(RETRY_BACKOFF_INITIAL_MS, retryBackoffInitial.toMillis());
        shown.put(RETRY_BACKOFF_MAX_MS, retryBackoffMax.toMillis());
        shown.put(EXTRA_LABELS, extraLabels);
        shown.put(DOMAIN_URL, domainUrl.isEmpty() ? "" : redact(URI.create(example(domainUrl)))
                .replace("example.com", DOMAIN_PLACEHOLDER).replace(EXAMPLE_TENANT, TENANT_PLACEHOLDER));
        shown.put(BASIC_USERNAME, basicUsername);
        shown.put(BASIC_PASSWORD, mask(basicPassword));
        shown.put(BEARER_TOKEN, mask(bearerToken));
        shown.put(OAUTH2_TOKEN_URL, oauth2TokenUrl == null ? "" : redact(oauth2TokenUrl));
        shown.put(OAUTH2_CLIENT_ID, oauth2ClientId);
        shown.put(OAUTH2_CLIENT_SECRET, mask(oauth2ClientSecret));
        shown.put(OAUTH2_CLIENT_SECRET_FILE, oauth2ClientSecretFile == null ? "" : oauth2ClientSecretFile);
        shown.put(TRUSTSTORE_PATH, truststorePath);
        shown.put(KEYSTORE_PATH, keystorePath);
        shown.put(MAX_PENDING_RECORDS, maxPendingRecords);
        shown.put(REBUILD_TIMEOUT_MS, rebuildTimeout.toMillis());
        shown.put(METRICS_PORT, metricsPort);
        Map<String, Object> kafka = new LinkedHashMap<>();
        kafkaOverrides.forEach((k, val) -> kafka.put(k, looksSecret(k) ? mask(String.valueOf(val)) : val));
        shown.put(KAFKA_PREFIX + "*", kafka);
        return "NotifierConfig" + shown;
    }

    static boolean isSecretKey(String key) {
        return SECRET_KEYS.contains(key);
    }

    private static boolean looksSecret(String kafkaKey) {
        String k = kafkaKey.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token");
    }

    private static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "" : "******";
    }

    /** An http(s) URL with the placeholder, credentials nowhere in it; empty stays empty. */
    private static final String EXAMPLE_TENANT = "example-tenant";

    /** The template with an example domain and tenant, to check and show it as a URL. */
    private static String example(String template) {
        return template.replace(DOMAIN_PLACEHOLDER, "example.com").replace(TENANT_PLACEHOLDER, EXAMPLE_TENANT);
    }

    private static String parseDomainUrl(String template) {
        if (template.isEmpty()) {
            return template;
        }
        if (!template.contains(DOMAIN_PLACEHOLDER)) {
            throw invalid(DOMAIN_URL, "must contain " + DOMAIN_PLACEHOLDER + " where the alert's policy domain goes");
        }
        URI example;
        try {
            example = new URI(example(template));
        } catch (java.net.URISyntaxException e) {
            throw invalid(DOMAIN_URL, "not a URL: " + e.getReason() + " at index " + e.getIndex());
        }
        if (!("http".equals(example.getScheme()) || "https".equals(example.getScheme())) || example.getHost() == null) {
            throw invalid(DOMAIN_URL, "must be an http(s):// URL");
        }
        if (example.getUserInfo() != null) {
            throw invalid(DOMAIN_URL, "credentials do not belong in a link every notification shows");
        }
        return template;
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("invalid notifier configuration " + key + " (env " + envName(key) + "): "
                + why);
    }

    private static String required(Map<String, String> v, String key) {
        String value = v.get(key);
        if (value == null || value.isBlank()) {
            throw invalid(key, "is required");
        }
        return value;
    }

    private static long positiveLong(Map<String, String> v, String key) {
        long n = parse(v, key, Long::parseLong);
        if (n <= 0) {
            throw invalid(key, "must be > 0, was " + n);
        }
        return n;
    }

    private static int parseInt(Map<String, String> v, String key) {
        return parse(v, key, Integer::parseInt);
    }

    private static <T> T parse(Map<String, String> v, String key, Function<String, T> parser) {
        String raw = v.get(key);
        try {
            return parser.apply(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, "not a number: '" + raw + "'");
        }
    }

    private static Path optionalFile(Map<String, String> v, String key) {
        String raw = v.get(key);
        if (raw.isEmpty()) {
            return null;
        }
        Path p = Path.of(raw);
        if (!Files.isReadable(p)) {
            throw invalid(key, "file not readable: " + raw);
        }
        return p;
    }

    private static List<URI> parseUrls(String raw) {
        List<URI> urls = new ArrayList<>();
        for (String part : raw.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            } catch (IllegalArgumentException e) {
                throw invalid(ALERTMANAGER_URLS, "not a URL: " + e.getMessage());
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw invalid(ALERTMANAGER_URLS, "needs http(s)://host[:port][/prefix], got " + redact(uri));
            }
            if (uri.getUserInfo() != null) {
                throw invalid(ALERTMANAGER_URLS, "put credentials in " + BASIC_USERNAME + "/" + BASIC_PASSWORD
                        + ", not in the URL");
            }
            if (urls.contains(uri)) {
                throw invalid(ALERTMANAGER_URLS, "listed twice: " + redact(uri));
            }
            urls.add(uri);
        }
        if (urls.isEmpty()) {
            throw invalid(ALERTMANAGER_URLS, "is required");
        }
        return List.copyOf(urls);
    }

    private static Map<String, String> parseLabels(String raw) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return Map.of();
        }
        for (String pair : raw.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(EXTRA_LABELS, "expected name=value, got '" + pair.trim() + "'");
            }
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw invalid(EXTRA_LABELS, "'" + name + "' is not a valid Alertmanager label name");
            }
            if (RESERVED_LABELS.contains(name)) {
                throw invalid(EXTRA_LABELS, "'" + name + "' is set by the notifier itself");
            }
            if (value.isEmpty()) {
                throw invalid(EXTRA_LABELS, "label '" + name + "' has an empty value (Alertmanager drops those)");
            }
            labels.put(name, value);
        }
        return Collections.unmodifiableMap(labels);
    }
}

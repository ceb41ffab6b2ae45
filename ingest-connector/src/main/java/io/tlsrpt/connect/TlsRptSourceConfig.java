package io.tlsrpt.connect;

import io.tlsrpt.connect.dns.ResolverAddress;
import io.tlsrpt.connect.https.HttpsReceiver;
import io.tlsrpt.oauth.ClientCertificate;
import io.tlsrpt.oauth.HttpsUrl;
import io.tlsrpt.oauth.ServiceAccountKey;
import io.tlsrpt.tls.TrustedCertificates;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every configuration key of the TLS-RPT source connector: name constant, doc string, default, validator.
 * Cross-key rules (at least one source, required keys of an enabled source) live in {@link #validateSources}.
 * {@link #main} prints the keys as a Markdown table for the README.
 */
public final class TlsRptSourceConfig extends AbstractConfig {

    // ---- general ---------------------------------------------------------------------------------------------
    public static final String TOPIC = "topic";
    public static final String MAX_PAYLOAD_BYTES = "max.payload.bytes";
    public static final String QUEUE_MAX_RECORDS = "queue.max.records";
    public static final String QUEUE_MAX_BYTES = "queue.max.bytes";
    public static final String POLL_MAX_RECORDS = "poll.max.records";
    public static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";

    // ---- https -----------------------------------------------------------------------------------------------
    public static final String HTTPS_ENABLED = "https.enabled";
    public static final String HTTPS_BIND_ADDRESS = "https.bind.address";
    public static final String HTTPS_PORT = "https.port";
    public static final String HTTPS_PATH = "https.path";
    public static final String HTTPS_TLS_ENABLED = "https.tls.enabled";
    public static final String HTTPS_KEYSTORE_PATH = "https.keystore.path";
    public static final String HTTPS_KEYSTORE_TYPE = "https.keystore.type";
    public static final String HTTPS_KEYSTORE_PASSWORD = "https.keystore.password";
    public static final String HTTPS_KEY_PASSWORD = "https.key.password";
    public static final String HTTPS_TLS_PROTOCOLS = "https.tls.protocols";
    public static final String HTTPS_MAX_CONCURRENT_REQUESTS = "https.max.concurrent.requests";
    public static final String HTTPS_MAX_CONNECTIONS = "https.max.connections";
    public static final String HTTPS_REQUEST_TIMEOUT_MS = "https.request.timeout.ms";
    public static final String HTTPS_IDLE_TIMEOUT_MS = "https.idle.timeout.ms";
    public static final String HTTPS_ACK_TIMEOUT_MS = "https.ack.timeout.ms";
    public static final String HTTPS_RETRY_AFTER_SECONDS = "https.retry.after.seconds";
    public static final String HTTPS_TRUSTED_PROXIES = "https.trusted.proxies";
    public static final String HTTPS_TRUSTED_PROXIES_HEADER = "https.trusted.proxies.header";
    public static final String HTTPS_RATE_LIMIT_PER_CLIENT = "https.rate.limit.per.client";
    public static final String HTTPS_RATE_LIMIT_BURST = "https.rate.limit.burst";

    // ---- imap ------------------------------------------------------------------------------------------------
    public static final String IMAP_ENABLED = "imap.enabled";
    public static final String IMAP_HOST = "imap.host";
    public static final String IMAP_PORT = "imap.port";
    public static final String IMAP_SECURITY = "imap.security";
    public static final String IMAP_SSL_TRUST = "imap.ssl.trust";
    public static final String IMAP_USERNAME = "imap.username";
    public static final String IMAP_PASSWORD = "imap.password";
    public static final String IMAP_AUTH_MECHANISM = "imap.auth.mechanism";
    public static final String IMAP_OAUTH_TOKEN_URL = "imap.oauth.token.url";
    public static final String IMAP_OAUTH_CLIENT_ID = "imap.oauth.client.id";
    public static final String IMAP_OAUTH_CLIENT_SECRET = "imap.oauth.client.secret";
    public static final String IMAP_OAUTH_CLIENT_AUTH = "imap.oauth.client.auth";
    public static final String IMAP_OAUTH_CLIENT_CERTIFICATE_FILE = "imap.oauth.client.certificate.file";
    public static final String IMAP_OAUTH_CLIENT_KEY_FILE = "imap.oauth.client.key.file";
    public static final String IMAP_OAUTH_REFRESH_TOKEN = "imap.oauth.refresh.token";
    public static final String IMAP_OAUTH_SCOPE = "imap.oauth.scope";
    public static final String IMAP_OAUTH_CA_FILE = "imap.oauth.ca.file";
    public static final String IMAP_OAUTH_TOKEN_FILE = "imap.oauth.token.file";
    public static final String IMAP_OAUTH_SERVICE_ACCOUNT_FILE = "imap.oauth.service.account.file";
    public static final String AUTH_PASSWORD = "password";
    public static final String AUTH_XOAUTH2 = "xoauth2";
    public static final String IMAP_FOLDER = "imap.folder";
    public static final String IMAP_PROCESSED_FOLDER = "imap.processed.folder";
    public static final String IMAP_FAILED_FOLDER = "imap.failed.folder";
    public static final String IMAP_POLL_INTERVAL_MS = "imap.poll.interval.ms";
    public static final String IMAP_FETCH_BATCH_SIZE = "imap.fetch.batch.size";
    public static final String IMAP_TIMEOUT_MS = "imap.timeout.ms";
    public static final String IMAP_RECONNECT_BACKOFF_MS = "imap.reconnect.backoff.ms";
    public static final String IMAP_RECONNECT_BACKOFF_MAX_MS = "imap.reconnect.backoff.max.ms";

    // ---- spool -----------------------------------------------------------------------------------------------
    public static final String SPOOL_ENABLED = "spool.enabled";
    public static final String SPOOL_INBOX_DIRECTORY = "spool.inbox.directory";
    public static final String SPOOL_WORK_DIRECTORY = "spool.work.directory";
    public static final String SPOOL_DONE_DIRECTORY = "spool.done.directory";
    public static final String SPOOL_FAILED_DIRECTORY = "spool.failed.directory";
    public static final String SPOOL_POLL_INTERVAL_MS = "spool.poll.interval.ms";
    public static final String SPOOL_MIN_FILE_AGE_MS = "spool.min.file.age.ms";
    public static final String SPOOL_CONTENT_TYPE = "spool.content.type";

    // DKIM of mail reports (IMAP and spool)
    public static final String DKIM_VERIFY = "dkim.verify";
    public static final String DKIM_DNS_SERVER = "dkim.dns.server";
    public static final String DKIM_DNS_TIMEOUT_MS = "dkim.dns.timeout.ms";

    /** Set by the connector on each task config: which sources that task runs (comma separated). */
    public static final String TASK_SOURCES = "tlsrpt.task.sources";
    /** Set by the connector on each task config: the task's index, used to keep metric sensors apart. */
    public static final String TASK_INDEX = "tlsrpt.task.index";

    public static final String SOURCE_HTTPS = "https";
    public static final String SOURCE_IMAP = "imap";
    public static final String SOURCE_SPOOL = "spool";
    public static final List<String> ALL_SOURCES = List.of(SOURCE_HTTPS, SOURCE_IMAP, SOURCE_SPOOL);

    private static final String G_GENERAL = "General";
    private static final String G_HTTPS = "HTTPS receiver (RFC 8460 section 5.4)";
    private static final String G_IMAP = "IMAP mailbox (mailto: rua)";
    private static final String G_SPOOL = "Spool directory";
    private static final String G_DKIM = "DKIM of mail reports (RFC 8460 section 3)";

    public static final ConfigDef CONFIG_DEF = buildConfigDef();

    public TlsRptSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
        List<String> problems = validateSources(this);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        int g = 0;
        def.define(TOPIC, Type.STRING, "tlsrpt.raw", new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.HIGH,
                "Kafka topic the raw records (payload exactly as received, provenance in headers) are written to.",
                G_GENERAL, ++g, ConfigDef.Width.MEDIUM, "Topic");
        def.define(MAX_PAYLOAD_BYTES, Type.INT, 10 * 1024 * 1024, Range.between(1024, 512 * 1024 * 1024), Importance.MEDIUM,
                "Largest payload accepted from any source, in bytes. HTTPS answers 413 above it; a larger mail or file "
                        + "goes to the failed folder or directory with a reason. Keep it below the producer's max.request.size "
                        + "and the topic's max.message.bytes.",
                G_GENERAL, ++g, ConfigDef.Width.SHORT, "Max payload bytes");
        def.define(QUEUE_MAX_RECORDS, Type.INT, 256, Range.between(1, 100_000), Importance.LOW,
                "Capacity, in records, of the task's hand-over queue between the sources and poll(). Sources block "
                        + "(HTTPS answers 503) when it is full: nothing is buffered without bound.",
                G_GENERAL, ++g, ConfigDef.Width.SHORT, "Queue records");
        def.define(QUEUE_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, Range.between(1024L, 8L * 1024 * 1024 * 1024), Importance.LOW,
                "Capacity, in payload bytes, of the task's hand-over queue (one record larger than this is still admitted "
                        + "when the queue is empty).",
                G_GENERAL, ++g, ConfigDef.Width.SHORT, "Queue bytes");
        def.define(POLL_MAX_RECORDS, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
                "Most records one poll() returns.", G_GENERAL, ++g, ConfigDef.Width.SHORT, "Poll batch");
        def.define(POLL_TIMEOUT_MS, Type.LONG, 500L, Range.between(1L, 5_000L), Importance.LOW,
                "Longest time poll() waits for a first record; kept short so the worker can stop, pause and commit promptly.",
                G_GENERAL, ++g, ConfigDef.Width.SHORT, "Poll timeout");
        def.define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 4_000L, Range.between(0L, 60_000L), Importance.LOW,
                "Time stop() allows the sources to finish (answer waiting HTTP requests, move committed mails). Keep it "
                        + "below the worker's task.shutdown.graceful.timeout.ms (5 s by default).",
                G_GENERAL, ++g, ConfigDef.Width.SHORT, "Shutdown timeout");

        g = 0;
        def.define(HTTPS_ENABLED, Type.BOOLEAN, false, new ConfigDef.NonNullValidator(), Importance.HIGH,
                "Run the HTTPS receiver (reports POSTed by senders whose rua is https:).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "HTTPS enabled");
        def.define(HTTPS_BIND_ADDRESS, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyStringWithoutControlChars(),
                Importance.HIGH, "Address the receiver listens on. The default accepts local connections only (a reverse "
                        + "proxy in front); use 0.0.0.0 to accept reports from the Internet directly.",
                G_HTTPS, ++g, ConfigDef.Width.MEDIUM, "Bind address");
        def.define(HTTPS_PORT, Type.INT, 8443, Range.between(0, 65_535), Importance.HIGH,
                "TCP port of the receiver; 0 picks a free port (logged at start, for tests).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Port");
        def.define(HTTPS_PATH, Type.STRING, "/v1/tlsrpt", ConfigDef.LambdaValidator.with((name, value) -> {
                    String path = (String) value;
                    if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
                        throw new ConfigException(name, value, "must be an absolute path without spaces, query or fragment");
                    }
                }, () -> "an absolute path such as /v1/tlsrpt"), Importance.MEDIUM,
                "Request path reports are POSTed to (the path part of the https: rua URI). Other paths answer 404.",
                G_HTTPS, ++g, ConfigDef.Width.MEDIUM, "Path");
        def.define(HTTPS_TLS_ENABLED, Type.BOOLEAN, true, new ConfigDef.NonNullValidator(), Importance.HIGH,
                "Serve TLS with the configured keystore. Set to false only behind a TLS-terminating proxy.",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "TLS");
        def.define(HTTPS_KEYSTORE_PATH, Type.STRING, "", new AnyString(), Importance.HIGH,
                "Keystore file holding the server's private key and certificate chain (required when TLS is enabled)."
                        + " Read again when it changes (looked at every 10 s): a renewed certificate mounted in place is"
                        + " served from the next connection on, without restarting the task; a file that cannot be"
                        + " read keeps the certificate in force, with a warning.",
                G_HTTPS, ++g, ConfigDef.Width.LONG, "Keystore");
        def.define(HTTPS_KEYSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                Importance.LOW, "Keystore format.", G_HTTPS, ++g, ConfigDef.Width.SHORT, "Keystore type");
        def.define(HTTPS_KEYSTORE_PASSWORD, Type.PASSWORD, "", new AnyPassword(), Importance.HIGH,
                "Keystore password (use a config provider such as ${env:TLSRPT_KEYSTORE_PASSWORD} to keep it out of files).",
                G_HTTPS, ++g, ConfigDef.Width.MEDIUM, "Keystore password");
        def.define(HTTPS_KEY_PASSWORD, Type.PASSWORD, "", new AnyPassword(), Importance.LOW,
                "Password of the private key, when it differs from the keystore password (empty: same).",
                G_HTTPS, ++g, ConfigDef.Width.MEDIUM, "Key password");
        def.define(HTTPS_TLS_PROTOCOLS, Type.LIST, "TLSv1.3,TLSv1.2", ConfigDef.ValidList.in("TLSv1.3", "TLSv1.2"),
                Importance.LOW, "TLS protocol versions offered.", G_HTTPS, ++g, ConfigDef.Width.MEDIUM, "TLS protocols");
        def.define(HTTPS_MAX_CONCURRENT_REQUESTS, Type.INT, 16, Range.between(1, 1_024), Importance.MEDIUM,
                "Requests whose body is read and held at the same time (each holds at most max.payload.bytes in "
                        + "memory); more are answered 503 with Retry-After at once.",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Max concurrent requests");
        def.define(HTTPS_MAX_CONNECTIONS, Type.INT, 1_024, Range.between(16, 16_384), Importance.MEDIUM,
                "Connections served at once. The JDK server reads a request's head and body on a blocking handler "
                        + "thread, so this bounds the handler threads (a slow client holds one until "
                        + "https.request.timeout.ms); it must exceed the number of slow or hanging clients to be "
                        + "expected for honest senders to get through. Sockets beyond it are closed at accept (JDK "
                        + "jdk.httpserver.maxConnections, JVM-wide like the request timeout).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Max connections");
        def.define(HTTPS_REQUEST_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(1_000L, 600_000L), Importance.LOW,
                "Longest time a client may take to send a request (headers and body). Applied through the JDK server's "
                        + "sun.net.httpserver.maxReqTime, which is JVM-wide: the first receiver started in a JVM sets it, "
                        + "unless the JVM was started with that property.",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Request timeout");
        def.define(HTTPS_IDLE_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(1_000L, 3_600_000L), Importance.LOW,
                "How long an idle keep-alive connection is kept open (JDK sun.net.httpserver.idleInterval, JVM-wide like "
                        + "the request timeout).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Idle timeout");
        def.define(HTTPS_ACK_TIMEOUT_MS, Type.LONG, 20_000L, Range.between(100L, 600_000L), Importance.MEDIUM,
                "How long a request waits for Kafka to acknowledge its record before the receiver answers 503 with "
                        + "Retry-After (the sender retries; the record key lets the stream processor drop a late duplicate).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Ack timeout");
        def.define(HTTPS_RETRY_AFTER_SECONDS, Type.INT, 60, Range.between(1, 86_400), Importance.LOW,
                "Retry-After value, in seconds, sent with 503 answers.", G_HTTPS, ++g, ConfigDef.Width.SHORT, "Retry-After");
        def.define(HTTPS_TRUSTED_PROXIES, Type.LIST, "", ConfigDef.LambdaValidator.with((name, value) -> {
                    for (Object proxy : (List<?>) value) {
                        try {
                            HttpsReceiver.checkProxy(proxy.toString());
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(name, value, e.getMessage());
                        }
                    }
                }, () -> "IP addresses or CIDR blocks, e.g. 10.0.0.0/8,fd00::/8"), Importance.MEDIUM,
                "Addresses or CIDR blocks of the proxies in front of the receiver. For a request from one of them, "
                        + "the client is the rightmost X-Forwarded-For address that is not a trusted proxy: it is "
                        + "recorded as the report's origin and rate-limited. Empty: the connecting address is the "
                        + "client and X-Forwarded-For is ignored (a client cannot choose its own address).",
                G_HTTPS, ++g, ConfigDef.Width.LONG, "Trusted proxies");
        def.define(HTTPS_TRUSTED_PROXIES_HEADER, Type.STRING, "x-forwarded-for",
                ConfigDef.CaseInsensitiveValidString.in("x-forwarded-for", "forwarded"), Importance.LOW,
                "The header the proxies of https.trusted.proxies write the client's address in: x-forwarded-for, or "
                        + "forwarded (RFC 7239, its for= nodes). Only that one is read: a proxy passes the other on "
                        + "as the client wrote it.",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Trusted proxies' header");
        def.define(HTTPS_RATE_LIMIT_PER_CLIENT, Type.DOUBLE, 0.0, Range.between(0.0, 1_000_000.0), Importance.MEDIUM,
                "Reports per second one client may POST on average (an IPv4 address, or an IPv6 /64); 0 turns the "
                        + "limit off. Beyond it (and the burst) the receiver answers 429 with Retry-After before "
                        + "reading the body. Reports are not authenticated: this keeps one address from filling the "
                        + "topics with forgeries. Set it above your largest sender's rate (a provider's daily batch "
                        + "can be thousands of reports from a few addresses), and behind a proxy set "
                        + "https.trusted.proxies too, or the proxy is one client.",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Rate limit per client");
        def.define(HTTPS_RATE_LIMIT_BURST, Type.INT, 100, Range.between(1, 1_000_000), Importance.LOW,
                "Reports one client may POST at once beyond its rate (the size of its token bucket).",
                G_HTTPS, ++g, ConfigDef.Width.SHORT, "Rate limit burst");

        g = 0;
        def.define(IMAP_ENABLED, Type.BOOLEAN, false, new ConfigDef.NonNullValidator(), Importance.HIGH,
                "Read report mails from an IMAP mailbox (rua mailto:).", G_IMAP, ++g, ConfigDef.Width.SHORT, "IMAP enabled");
        def.define(IMAP_HOST, Type.STRING, "", new AnyString(), Importance.HIGH,
                "IMAP server host name (required when IMAP is enabled).", G_IMAP, ++g, ConfigDef.Width.MEDIUM, "Host");
        def.define(IMAP_PORT, Type.INT, 993, Range.between(1, 65_535), Importance.MEDIUM,
                "IMAP server port (993 for implicit TLS, 143 for plain or STARTTLS).", G_IMAP, ++g, ConfigDef.Width.SHORT, "Port");
        def.define(IMAP_SECURITY, Type.STRING, "ssl", ConfigDef.CaseInsensitiveValidString.in("ssl", "starttls", "none"),
                Importance.MEDIUM, "Connection security: ssl (IMAPS), starttls (required STARTTLS) or none (tests only).",
                G_IMAP, ++g, ConfigDef.Width.SHORT, "Security");
        def.define(IMAP_SSL_TRUST, Type.STRING, "", new AnyString(), Importance.LOW,
                "Hosts whose certificate chain is trusted without validation (mail.imaps.ssl.trust), e.g. for a "
                        + "self-signed server; the certificate must still name imap.host (the host name is always "
                        + "checked); empty: normal certificate validation.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "SSL trust");
        def.define(IMAP_USERNAME, Type.STRING, "", new AnyString(), Importance.HIGH,
                "Login user name (required when IMAP is enabled).", G_IMAP, ++g, ConfigDef.Width.MEDIUM, "User name");
        def.define(IMAP_PASSWORD, Type.PASSWORD, "", new AnyPassword(), Importance.HIGH,
                "Login password (use a config provider such as ${env:TLSRPT_IMAP_PASSWORD}).",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "Password");
        def.define(IMAP_AUTH_MECHANISM, Type.STRING, AUTH_PASSWORD,
                ConfigDef.CaseInsensitiveValidString.in(AUTH_PASSWORD, AUTH_XOAUTH2), Importance.HIGH,
                "How the connector logs in: password (LOGIN or AUTHENTICATE PLAIN with imap.password) or xoauth2 "
                        + "(SASL XOAUTH2 with an OAuth 2.0 access token, from imap.oauth.token.url, "
                        + "imap.oauth.service.account.file or imap.oauth.token.file): Exchange Online no longer "
                        + "takes passwords over IMAP, and Google "
                        + "Workspace takes app passwords only where its administrators allow them.",
                G_IMAP, ++g, ConfigDef.Width.SHORT, "Login mechanism");
        def.define(IMAP_OAUTH_TOKEN_URL, Type.STRING, "", new HttpsUrlOrEmpty(), Importance.HIGH,
                "OAuth 2.0 token endpoint the access tokens are asked of (xoauth2), e.g. "
                        + "https://login.microsoftonline.com/TENANT/oauth2/v2.0/token (client credentials, scope "
                        + "https://outlook.office365.com/.default) or https://oauth2.googleapis.com/token (with "
                        + "imap.oauth.refresh.token). A token is kept until a quarter of its lifetime before it "
                        + "expires (at most 5 minutes before): the connector then logs in again with a new one, "
                        + "before the server ends the session.",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth token endpoint");
        def.define(IMAP_OAUTH_CLIENT_ID, Type.STRING, "", new AnyString(), Importance.HIGH,
                "The OAuth client (application) id; required with imap.oauth.token.url.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "OAuth client id");
        def.define(IMAP_OAUTH_CLIENT_SECRET, Type.PASSWORD, "", new AnyPassword(), Importance.HIGH,
                "The OAuth client's secret (use a config provider such as ${env:TLSRPT_IMAP_OAUTH_CLIENT_SECRET}); "
                        + "required for the client credentials grant, empty for a public client's refresh token.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "OAuth client secret");
        def.define(IMAP_OAUTH_CLIENT_AUTH, Type.STRING, "post",
                ConfigDef.CaseInsensitiveValidString.in("post", "basic"), Importance.LOW, "How the client authenticates to the token endpoint (RFC 6749 section 2.3.1): post "
                        + "(client_id and client_secret in the form) or basic (HTTP Basic).",
                G_IMAP, ++g, ConfigDef.Width.SHORT, "OAuth client authentication");
        def.define(IMAP_OAUTH_CLIENT_CERTIFICATE_FILE, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Instead of imap.oauth.client.secret: the PEM certificate the client registered (Entra ID's "
                        + "certificate credentials, which it recommends over secrets); each token request carries an "
                        + "assertion its key signs (RFC 7523, private_key_jwt). With imap.oauth.client.key.file. "
                        + "Read again when it changes (looked at once a minute at most): a pair renewed in place "
                        + "(cert-manager, a Key Vault or Vault agent) is used without a restart; until the key is the "
                        + "new certificate's the pair read before stays in force.",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth client certificate");
        def.define(IMAP_OAUTH_CLIENT_KEY_FILE, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "The unencrypted PKCS#8 RSA key (PEM) of imap.oauth.client.certificate.file.",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth client key");
        def.define(IMAP_OAUTH_REFRESH_TOKEN, Type.PASSWORD, "", new AnyPassword(), Importance.MEDIUM,
                "A refresh token (the mailbox owner's consent, given once): the refresh token grant instead of the "
                        + "client credentials grant. One the endpoint rotates is used from then on, until a restart.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "OAuth refresh token");
        def.define(IMAP_OAUTH_SCOPE, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Scopes asked for, space separated; empty: none sent.", G_IMAP, ++g, ConfigDef.Width.LONG,
                "OAuth scope");
        def.define(IMAP_OAUTH_CA_FILE, Type.STRING, "", new AnyString(), Importance.LOW,
                "PEM certificates of the authorities trusted for the token endpoint's certificate (an identity "
                        + "provider with a private CA); empty: the JVM's.",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth CA file");
        def.define(IMAP_OAUTH_TOKEN_FILE, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Instead of a token endpoint: a file holding the access token, written and renewed by something else "
                        + "(a sidecar, a workload identity agent); read again when it changes, and at each login. "
                        + "It may appear after the start (logins wait for it).",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth token file");
        def.define(IMAP_OAUTH_SERVICE_ACCOUNT_FILE, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Instead of a token endpoint's client: a Google service account's key file (JSON), whose signed "
                        + "assertions (RFC 7523) obtain tokens for the mailbox imap.username by the account's "
                        + "domain-wide delegation in Google Workspace (imap.oauth.scope empty: "
                        + "https://mail.google.com/); no user's consent or refresh token. Read again when it changes "
                        + "(looked at once a minute at most): a key rotated in place is used without a restart.",
                G_IMAP, ++g, ConfigDef.Width.LONG, "OAuth service account key file");
        def.define(IMAP_FOLDER, Type.STRING, "INBOX", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Folder the report mails arrive in.", G_IMAP, ++g, ConfigDef.Width.MEDIUM, "Folder");
        def.define(IMAP_PROCESSED_FOLDER, Type.STRING, "processed", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                "Folder a mail is moved to (flagged \\Seen and $TlsRptIngested) once its record is committed; created when missing.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "Processed folder");
        def.define(IMAP_FAILED_FOLDER, Type.STRING, "failed", new ConfigDef.NonEmptyString(), Importance.LOW,
                "Folder a mail is moved to when it cannot become a record (larger than max.payload.bytes, unreadable) or "
                        + "Connect dropped its record; created when missing.",
                G_IMAP, ++g, ConfigDef.Width.MEDIUM, "Failed folder");
        def.define(IMAP_POLL_INTERVAL_MS, Type.LONG, 10_000L, Range.between(100L, 3_600_000L), Importance.LOW,
                "Interval between checks for new mail (the folder is polled; committed mails are moved between polls).",
                G_IMAP, ++g, ConfigDef.Width.SHORT, "Poll interval");
        def.define(IMAP_FETCH_BATCH_SIZE, Type.INT, 50, Range.between(1, 10_000), Importance.LOW,
                "Messages fetched per round trip.", G_IMAP, ++g, ConfigDef.Width.SHORT, "Fetch batch");
        def.define(IMAP_TIMEOUT_MS, Type.INT, 60_000, Range.between(1_000, 600_000), Importance.LOW,
                "Connect and read timeout of the IMAP connection.", G_IMAP, ++g, ConfigDef.Width.SHORT, "Timeout");
        def.define(IMAP_RECONNECT_BACKOFF_MS, Type.LONG, 5_000L, Range.between(10L, 600_000L), Importance.LOW,
                "Wait before reconnecting after the IMAP connection failed; doubled after each failed try in a row "
                        + "(a refused login, a server down), up to imap.reconnect.backoff.max.ms, and back to this "
                        + "once logged in.", G_IMAP, ++g, ConfigDef.Width.SHORT, "Reconnect backoff");
        def.define(IMAP_RECONNECT_BACKOFF_MAX_MS, Type.LONG, 300_000L, Range.between(10L, 3_600_000L),
                Importance.LOW, "The longest wait before reconnecting after failed tries in a row.",
                G_IMAP, ++g, ConfigDef.Width.SHORT, "Longest reconnect backoff");

        g = 0;
        def.define(SPOOL_ENABLED, Type.BOOLEAN, false, new ConfigDef.NonNullValidator(), Importance.HIGH,
                "Read report files from a spool directory (MTA pipe or Maildir delivery).",
                G_SPOOL, ++g, ConfigDef.Width.SHORT, "Spool enabled");
        def.define(SPOOL_INBOX_DIRECTORY, Type.STRING, "", new AnyString(), Importance.HIGH,
                "Directory new files are delivered to (e.g. a Maildir's new/). Writers should create files under another "
                        + "name or directory and rename them in. Required when the spool is enabled.",
                G_SPOOL, ++g, ConfigDef.Width.LONG, "Inbox directory");
        def.define(SPOOL_WORK_DIRECTORY, Type.STRING, "", new AnyString(), Importance.LOW,
                "Directory a file is moved to (renamed with a sequence number) while its record is in flight; "
                        + "empty: 'processing' beside the inbox. Must be on the inbox's file system.",
                G_SPOOL, ++g, ConfigDef.Width.LONG, "Work directory");
        def.define(SPOOL_DONE_DIRECTORY, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Directory a file is moved to once its record is committed; empty: 'done' beside the inbox.",
                G_SPOOL, ++g, ConfigDef.Width.LONG, "Done directory");
        def.define(SPOOL_FAILED_DIRECTORY, Type.STRING, "", new AnyString(), Importance.MEDIUM,
                "Directory unreadable or oversized files are moved to, each with a <name>.reason file; empty: 'failed' "
                        + "beside the inbox.",
                G_SPOOL, ++g, ConfigDef.Width.LONG, "Failed directory");
        def.define(SPOOL_POLL_INTERVAL_MS, Type.LONG, 1_000L, Range.between(10L, 3_600_000L), Importance.LOW,
                "Interval between scans of the inbox directory.", G_SPOOL, ++g, ConfigDef.Width.SHORT, "Scan interval");
        def.define(SPOOL_MIN_FILE_AGE_MS, Type.LONG, 1_000L, Range.between(0L, 3_600_000L), Importance.LOW,
                "Files modified more recently than this are left for the next scan (a writer may still be writing).",
                G_SPOOL, ++g, ConfigDef.Width.SHORT, "Min file age");
        def.define(SPOOL_CONTENT_TYPE, Type.STRING, "", new AnyString(), Importance.LOW,
                "content-type header for spool records; empty: from the file name (.eml message/rfc822, .json "
                        + "application/tlsrpt+json, .gz application/tlsrpt+gzip, otherwise application/octet-stream).",
                G_SPOOL, ++g, ConfigDef.Width.MEDIUM, "Content type");

        g = 0;
        def.define(DKIM_VERIFY, Type.BOOLEAN, false, new ConfigDef.NonNullValidator(), Importance.MEDIUM,
                "Verify the DKIM signature of every report mail (IMAP, and spool files that are mails) before it is "
                        + "written, and record the verdict as the tlsrpt.dkim header (pass, fail, permerror, temperror, "
                        + "none, with d= and s=); the processor's mail.dkim.required then decides what counts. RFC 8460 "
                        + "says a report mail must be signed and an unsigned one ignored. Needs DNS (a TXT query per "
                        + "selector, cached for its TTL); off: no header, the mail's bytes are written as ever.",
                G_DKIM, ++g, ConfigDef.Width.SHORT, "Verify DKIM");
        def.define(DKIM_DNS_SERVER, Type.STRING, "", ConfigDef.LambdaValidator.with((name, value) -> {
            String v = value == null ? "" : value.toString().trim();
            if (!v.isEmpty()) {
                try {
                    ResolverAddress.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }
        }, () -> "empty, HOST or HOST:PORT"), Importance.LOW,
                "Resolver for the DKIM key queries (HOST or HOST:PORT, port 53 by default); empty: the system's "
                        + "(/etc/resolv.conf). Use a validating resolver: the key's authenticity is DNS's.",
                G_DKIM, ++g, ConfigDef.Width.MEDIUM, "DNS server");
        def.define(DKIM_DNS_TIMEOUT_MS, Type.LONG, 5_000L, Range.between(100L, 60_000L), Importance.LOW,
                "Timeout of one key query; an unanswered query is a temperror verdict (the mail is still written).",
                G_DKIM, ++g, ConfigDef.Width.SHORT, "DNS timeout");
        return def;
    }

    /** Cross-key checks; returns one message per problem (empty when the configuration is usable). */
    public static List<String> validateSources(AbstractConfig c) {
        List<String> problems = new ArrayList<>();
        boolean https = c.getBoolean(HTTPS_ENABLED);
        boolean imap = c.getBoolean(IMAP_ENABLED);
        boolean spool = c.getBoolean(SPOOL_ENABLED);
        if (!https && !imap && !spool) {
            problems.add("enable at least one source: " + HTTPS_ENABLED + ", " + IMAP_ENABLED + " or " + SPOOL_ENABLED);
        }
        if (https && c.getBoolean(HTTPS_TLS_ENABLED)) {
            if (c.getString(HTTPS_KEYSTORE_PATH).isBlank()) {
                problems.add(HTTPS_KEYSTORE_PATH + " is required when " + HTTPS_TLS_ENABLED + "=true");
            }
        }
        if (imap) {
            if (c.getString(IMAP_HOST).isBlank()) {
                problems.add(IMAP_HOST + " is required when " + IMAP_ENABLED + "=true");
            }
            if (c.getString(IMAP_USERNAME).isBlank()) {
                problems.add(IMAP_USERNAME + " is required when " + IMAP_ENABLED + "=true");
            }
            problems.addAll(imapLoginProblems(c));
            String folder = c.getString(IMAP_FOLDER);
            if (folder.equals(c.getString(IMAP_PROCESSED_FOLDER)) || folder.equals(c.getString(IMAP_FAILED_FOLDER))) {
                problems.add(IMAP_PROCESSED_FOLDER + " and " + IMAP_FAILED_FOLDER + " must differ from " + IMAP_FOLDER);
            }
        }
        if (spool) {
            if (c.getString(SPOOL_INBOX_DIRECTORY).isBlank()) {
                problems.add(SPOOL_INBOX_DIRECTORY + " is required when " + SPOOL_ENABLED + "=true");
            }
        }
        return problems;
    }

    private static List<String> imapLoginProblems(AbstractConfig c) {
        List<String> problems = new ArrayList<>();
        String url = c.getString(IMAP_OAUTH_TOKEN_URL);
        String file = c.getString(IMAP_OAUTH_TOKEN_FILE);
        String serviceAccount = c.getString(IMAP_OAUTH_SERVICE_ACCOUNT_FILE);
        long sources = Stream.of(url, file, serviceAccount).filter(v -> !v.isBlank()).count();
        if (!AUTH_XOAUTH2.equalsIgnoreCase(c.getString(IMAP_AUTH_MECHANISM))) {
            if (sources > 0) {
                problems.add(IMAP_OAUTH_TOKEN_URL + ", " + IMAP_OAUTH_TOKEN_FILE + " and "
                        + IMAP_OAUTH_SERVICE_ACCOUNT_FILE + " need " + IMAP_AUTH_MECHANISM + "=" + AUTH_XOAUTH2);
            }
            return problems;
        }
        if (sources != 1) {
            problems.add(IMAP_AUTH_MECHANISM + " " + AUTH_XOAUTH2 + " needs one of " + IMAP_OAUTH_TOKEN_URL + ", "
                    + IMAP_OAUTH_SERVICE_ACCOUNT_FILE + " or " + IMAP_OAUTH_TOKEN_FILE + ", not two");
            return problems;
        }
        if (!serviceAccount.isBlank()) {
            try {
                ServiceAccountKey.read(Path.of(serviceAccount));
            } catch (IllegalArgumentException e) {
                problems.add(IMAP_OAUTH_SERVICE_ACCOUNT_FILE + " cannot be used: " + e.getMessage());
            }
        }
        if (!url.isBlank()) {
            if (c.getString(IMAP_OAUTH_CLIENT_ID).isBlank()) {
                problems.add(IMAP_OAUTH_CLIENT_ID + " is required with " + IMAP_OAUTH_TOKEN_URL);
            }
            String certificate = c.getString(IMAP_OAUTH_CLIENT_CERTIFICATE_FILE);
            String key = c.getString(IMAP_OAUTH_CLIENT_KEY_FILE);
            boolean secret = !blank(c.getPassword(IMAP_OAUTH_CLIENT_SECRET));
            if (certificate.isBlank() != key.isBlank()) {
                problems.add(IMAP_OAUTH_CLIENT_CERTIFICATE_FILE + " and " + IMAP_OAUTH_CLIENT_KEY_FILE
                        + " go together");
            } else if (!certificate.isBlank()) {
                if (secret) {
                    problems.add(IMAP_OAUTH_CLIENT_CERTIFICATE_FILE + " or " + IMAP_OAUTH_CLIENT_SECRET
                            + ", not both");
                }
                try {
                    ClientCertificate.read(Path.of(certificate), Path.of(key));
                } catch (IllegalArgumentException e) {
                    problems.add(IMAP_OAUTH_CLIENT_CERTIFICATE_FILE + " cannot be used: " + e.getMessage());
                }
            } else if (!secret && blank(c.getPassword(IMAP_OAUTH_REFRESH_TOKEN))) {
                problems.add(IMAP_OAUTH_CLIENT_SECRET + " (or " + IMAP_OAUTH_CLIENT_CERTIFICATE_FILE + ") is required "
                        + "for the client credentials grant (no " + IMAP_OAUTH_REFRESH_TOKEN + ")");
            }
        }
        String caFile = c.getString(IMAP_OAUTH_CA_FILE);
        if (!caFile.isBlank()) {
            try {
                TrustedCertificates.trustManagers(Path.of(caFile));
            } catch (IllegalArgumentException e) {
                problems.add(IMAP_OAUTH_CA_FILE + " cannot be used: " + e.getMessage());
            }
        }
        return problems;
    }

    private static boolean blank(Password password) {
        return password == null || password.value().isBlank();
    }

    public List<String> enabledSources() {
        List<String> sources = new ArrayList<>();
        if (getBoolean(HTTPS_ENABLED)) {
            sources.add(SOURCE_HTTPS);
        }
        if (getBoolean(IMAP_ENABLED)) {
            sources.add(SOURCE_IMAP);
        }
        if (getBoolean(SPOOL_ENABLED)) {
            sources.add(SOURCE_SPOOL);
        }
        return sources;
    }

    public String password(String key) {
        Password p = getPassword(key);
        return p == null ? "" : p.value();
    }

    public Path spoolInbox() {
        return Path.of(getString(SPOOL_INBOX_DIRECTORY)).toAbsolutePath().normalize();
    }

    public Path spoolDirectory(String key, String siblingName) {
        String configured = getString(key);
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path inbox = spoolInbox();
        Path parent = inbox.getParent() == null ? inbox : inbox.getParent();
        return parent.resolve(siblingName);
    }

    /** Accepts any string, including empty (cross-key rules decide when it is required). */
    static final class AnyString implements Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !(value instanceof String)) {
                throw new ConfigException(name, value, "must be a string");
            }
            if (value != null && ((String) value).chars().anyMatch(ch -> ch < ' ' && ch != '\t')) {
                throw new ConfigException(name, value, "must not contain control characters");
            }
        }

        @Override
        public String toString() {
            return "any string";
        }
    }

    /** Empty, or an absolute https URL with a host. */
    static final class HttpsUrlOrEmpty implements Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String url = value == null ? "" : value.toString().trim();
            if (url.isEmpty()) {
                return;
            }
            try {
                HttpsUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty, or an https URL";
        }
    }

    /** Accepts any password, including empty. */
    static final class AnyPassword implements Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !(value instanceof Password)) {
                throw new ConfigException(name, "[hidden]", "must be a password");
            }
        }

        @Override
        public String toString() {
            return "any password";
        }
    }

    /** Renders the ConfigDef as a Markdown table (used for the README). */
    public static String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | valid values | importance | description |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values()) {
            Object dflt = key.hasDefault() ? key.defaultValue : null;
            String shownDefault;
            if (!key.hasDefault()) {
                shownDefault = "(required)";
            } else if (key.type == Type.PASSWORD) {
                shownDefault = "\"\"";
            } else if (dflt == null || "".equals(dflt)) {
                shownDefault = "\"\"";
            } else if (dflt instanceof List<?> list) {
                shownDefault = "`" + String.join(",", list.stream().map(String::valueOf).toList()) + "`";
            } else {
                shownDefault = "`" + dflt + "`";
            }
            md.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                    .append(" | ").append(shownDefault)
                    .append(" | ").append(escape(key.validator == null ? "" : key.validator.toString()))
                    .append(" | ").append(key.importance.name().toLowerCase())
                    .append(" | ").append(escape(key.documentation)).append(" |\n");
        }
        return md.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    public static Set<String> keyNames() {
        return CONFIG_DEF.names();
    }

    /** Prints the configuration reference as Markdown. */
    public static void main(String[] args) {
        System.out.print(toMarkdown());
    }
}

package io.tlsrpt.processor.app;

import io.tlsrpt.net.ClientAddresses;
import io.tlsrpt.oauth.HttpsUrl;
import io.tlsrpt.oauth.JsonWebKeys;
import io.tlsrpt.oauth.JwsAlgorithm;
import io.tlsrpt.oauth.JwtVerifier;
import io.tlsrpt.processor.decode.DecoderLimits;
import io.tlsrpt.processor.detect.DetectorSettings;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.served.ServedDomainsFile;
import io.tlsrpt.processor.topology.TopicNames;
import io.tlsrpt.processor.topology.TopologySettings;
import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.RevokedCertificates;
import io.tlsrpt.tls.ServerCertificate;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed configuration of the stream processor. Sources, later ones winning: the defaults below, a
 * properties file, environment variables {@code TLSRPT_<KEY>} (key upper-cased, dots and dashes as
 * underscores: {@code window.grace} is {@code TLSRPT_WINDOW_GRACE}). Keys starting with {@code streams.}
 * are passed to Kafka Streams without the prefix (security settings and the like); as environment variables
 * they are {@code TLSRPT_STREAMS_<NAME>}, the name lower-cased with underscores as dots
 * ({@code TLSRPT_STREAMS_SASL_JAAS_CONFIG} is {@code streams.sasl.jaas.config}: Kafka's setting names have no
 * underscores), so a secret can come from the environment rather than a file; their values are checked by
 * {@link StreamsSettingsCheck}. {@link #describe()}
 * renders every key as a markdown table for the README.
 */
public final class ProcessorConfig {

    /** One documented key. */
    public record Key(String name, String defaultValue, String doc) {
        public String envName() {
            return envName(name);
        }

        static String envName(String name) {
            return "TLSRPT_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    private static String key(String name, String defaultValue, String doc) {
        KEYS.put(name, new Key(name, defaultValue, doc));
        return name;
    }

    public static final String BOOTSTRAP_SERVERS = key("bootstrap.servers", "127.0.0.1:9092",
            "Kafka bootstrap servers (host:port, comma-separated).");
    public static final String APPLICATION_ID = key("application.id", "tlsrpt-processor",
            "Kafka Streams application id: consumer group, prefix of internal topics and of the state directory.");
    public static final String SCHEMA_REGISTRY_URL = key("schema.registry.url", "mock://tlsrpt",
            "Schema registry for the Avro topics: http(s)://host:port[/apis/ccompat/v7], or mock://scope (in-process, one JVM only).");
    public static final String STATE_DIR = key("state.dir", System.getProperty("java.io.tmpdir") + "/tlsrpt-streams",
            "Directory of the local state stores (RocksDB). Keep it on a persistent volume to restart fast.");
    public static final String PROCESSING_GUARANTEE = key("processing.guarantee", "exactly_once_v2",
            "exactly_once_v2 (default; needs 3 brokers for the transaction log unless the broker lowers its replication) or at_least_once.");
    public static final String NUM_STREAM_THREADS = key("num.stream.threads", "1", "Stream threads of this instance.");
    public static final String COMMIT_INTERVAL = key("commit.interval", "PT0.1S",
            "How often Kafka Streams commits (and, with exactly-once, makes output visible).");
    public static final String TOPIC_RAW = key("topic.raw", "tlsrpt.raw", "Input: raw report bytes with provenance headers.");
    public static final String TOPIC_REPORTS = key("topic.reports", "tlsrpt.reports", "Output: distinct reports (Avro TlsReport), compacted, key dedup key.");
    public static final String TOPIC_DEAD_LETTER = key("topic.dead-letter", "tlsrpt.dead-letter",
            "Output: records that could not be processed, original bytes and headers plus tlsrpt.dlq.* headers.");
    public static final String TOPIC_FAILURE_STATS = key("topic.failure-stats", "tlsrpt.failure-stats",
            "Output: per (policy domain, result type, window) statistics (Avro FailureStats).");
    public static final String TOPIC_DOMAIN_STATS = key("topic.domain-stats", "tlsrpt.domain-stats",
            "Output: per (policy domain, window) sessions, failed sessions and sessions under no enforced policy, for every domain with reports (Avro DomainStats), key policy domain.");
    public static final String TOPIC_ALERTS = key("topic.alerts", "tlsrpt.alerts", "Output: alerts (Avro Alert).");
    public static final String TOPIC_ALERTS_JSON = key("topic.alerts-json", "tlsrpt.alerts.json", "Output: alerts as plain JSON.");
    public static final String TOPICS_CREATE = key("topics.create", "true",
            "Create the seven topics at start when missing (internal topics are always created by Kafka Streams), and"
                    + " give existing ones their topics.retention.* setting. With ACLs this needs Create on the seven topics"
                    + " and AlterConfigs on the six outputs; false where the operator creates them (Kubernetes: KafkaTopic).");
    public static final String TOPICS_PARTITIONS = key("topics.partitions", "3",
            "Partitions of the topics created at start (the unit of parallelism).");
    public static final String TOPICS_REPLICATION_FACTOR = key("topics.replication.factor", "-1",
            "Replication factor of the topics created at start and of internal topics; -1: the broker's default.");
    // Time retention of the output topics the processor creates. Their records carry event time (the window's
    // start, the report's date), not the time they were written, so a finite retention.ms deletes backfilled
    // statistics and alerts as soon as they are written: the derived topics are kept until an operator says
    // otherwise (they are small: one record per window update or alert), the dead letters for 30 days.
    public static final String TOPICS_RETENTION_REPORTS = key("topics.retention.reports", "-1",
            "Retention of the reports topic when created (compacted: one record per distinct report); -1 keeps every distinct report, a duration adds time deletion (cleanup.policy=compact,delete).");
    public static final String TOPICS_RETENTION_FAILURE_STATS = key("topics.retention.failure-stats", "-1",
            "retention.ms of the failure-stats topic when created; -1: kept forever. Records carry their window's time, so a finite value deletes statistics of backfilled (old-dated) windows at once.");
    public static final String TOPICS_RETENTION_DOMAIN_STATS = key("topics.retention.domain-stats", "-1",
            "retention.ms of the domain-stats topic when created; -1: kept forever (records carry their window's time, like the failure statistics).");
    public static final String TOPICS_RETENTION_ALERTS = key("topics.retention.alerts", "-1",
            "retention.ms of the alerts topic when created; -1: kept forever (alerts carry their window's time, like the statistics).");
    public static final String TOPICS_RETENTION_ALERTS_JSON = key("topics.retention.alerts-json", "-1",
            "retention.ms of the JSON alerts topic when created; -1: kept forever.");
    public static final String TOPICS_RETENTION_DEAD_LETTER = key("topics.retention.dead-letter", "P30D",
            "retention.ms of the dead-letter topic when created (records keep the raw record's append time); -1: kept forever.");
    public static final String WINDOW_SIZE = key("window.size", "P1D",
            "Aggregation window (event time: the report's start). ISO-8601 (P1D, PT6H) or 90s/30m/6h/1d.");
    public static final String WINDOW_GRACE = key("window.grace", "P2D",
            "How long after a window ends a late report still counts: a report counts when it was received (received_at) or is processed (the aggregate's stream time) before its window's end + this. Reports late by both are kept in the reports topic, counted in tlsrpt_late_reports_total and logged.");
    public static final String WINDOW_MAX_PARTITION_DRIFT = key("window.max.partition.drift", "P7D",
            "How far behind the fastest input partition (in event time) a report on time by its arrival (received_at before window end + grace) may be and still count. The aggregate keeps windows open for window.grace plus this, and the window store keeps it longer; reports beyond it are counted in tlsrpt_late_reports_total{reason=\"beyond-drift\"} and logged.");
    public static final String WINDOW_MAX_REPORT_AHEAD = key("window.max.report.ahead", "P1D",
            "How far a report's start-datetime may lie after its arrival (tlsrpt.received-at, or the raw record's timestamp without it). A report covers a day that has ended, so only a wrong clock or a forged report is dated ahead; one dated further is dead-lettered as future-date-range, because its event time would carry the by-domain path's stream time past every real window of its partition (counting them late and expiring their baselines).");
    public static final String SERVED_DOMAINS = key("served.domains", "",
            "The policy domains this installation receives reports for, separated by commas or spaces: example.com serves that domain, *.example.com every name below it (not example.com itself). Empty (the default, with served.domains.file empty too) serves every domain. A report about none of the listed domains (misdirected, or forged to page you about someone else's domain) is dead-lettered as unserved-policy-domain, and replayed once its domain is added. A report naming several domains passes when one of them is served, and only its served domains count in windows, statistics and alerts (tlsrpt_unserved_contributions_total counts the others).");
    public static final String SERVED_DOMAINS_FILE = key("served.domains.file", "",
            "A file listing served domains too, one per line as in served.domains, # starting a comment (a provider's thousands of customer domains; a mounted ConfigMap in Kubernetes). A line may name the domain's tenant after it: 'example.com tenant=acme' (letters, digits, '.', '_', '-', at most 64), and '*.example.com tenant=acme' for the names below; every alert about a domain carries its tenant (the exact entry's, else the nearest wildcard's) in its tenant field, for Alertmanager routes and SIEM filters. Read at start (unreadable, a bad line or no entry: the processor does not start), then again every served.domains.reload.interval: a changed file applies without a restart, and a reload that fails keeps the list in force (tlsrpt_served_domains_reloads_total{result=\"failed\"} and a warning).");
    public static final String SERVED_DOMAINS_RELOAD_INTERVAL = key("served.domains.reload.interval", "PT1M",
            "How often served.domains.file is read again (at least one second).");
    public static final String MAIL_DKIM_REQUIRED = key("mail.dkim.required", "false",
            "Count a mail report only when the ingest connector verified its DKIM signature (dkim.verify=true on the connector) and it passed for the reporting domain (d= is the TLS-Report-Submitter's domain, its parent or a subdomain; the From domain without that header). Other mails are dead-lettered as dkim-failed with the verdict in the message. RFC 8460 section 3 says an unsigned report mail must be ignored; false (the default) counts every mail and records the verdict in the report's provenance. HTTPS reports are not mails and are not affected.");
    public static final String DEDUP_RETENTION = key("dedup.retention", "P14D",
            "How long a report's dedup key is remembered after it first arrived.");
    public static final String TOP_N = key("top.n", "5", "How many sending IPs and MX hosts statistics and alerts list.");
    public static final String DETECTOR_BASELINE_WINDOWS = key("detector.baseline.windows", "7",
            "Previous windows of the same domain forming the baseline.");
    public static final String DETECTOR_MIN_BASELINE_WINDOWS = key("detector.min.baseline.windows", "3",
            "Baseline windows with data needed before anything fires.");
    public static final String DETECTOR_MIN_FAILED_SESSIONS = key("detector.min.failed.sessions", "10",
            "Failed sessions a window needs before it can fire.");
    public static final String DETECTOR_MAX_TAIL_PROBABILITY = key("detector.max.tail.probability", "1e-6",
            "Fire only when the Poisson upper tail P(X >= failed | expected) is below this.");
    public static final String DETECTOR_RATE_FLOOR_MULTIPLE = key("detector.rate.floor.multiple", "3",
            "And only when the failure rate is at least this multiple of the baseline rate.");
    public static final String DETECTOR_PRIOR_SESSIONS = key("detector.prior.sessions", "1000",
            "Pseudo-sessions added to every baseline.");
    public static final String DETECTOR_PRIOR_FAILURE_RATE = key("detector.prior.failure.rate", "0.001",
            "Failure rate of the pseudo-sessions.");
    public static final String DETECTOR_DOWNGRADE_BASELINE_RATE = key("detector.downgrade.baseline.rate", "0.001",
            "starttls-not-supported rising from a baseline rate at or under this is starttls-downgrade-suspected.");
    public static final String DETECTOR_RESOLVE_TRAFFIC_FRACTION = key("detector.resolve.traffic.fraction", "0.5",
            "A later normal window resolves an incident once it has this fraction of the incident window's sessions.");
    public static final String DETECTOR_UPDATE_GROWTH_FACTOR = key("detector.update.growth.factor", "2",
            "An open incident is re-announced (same alert_id) when its failed sessions reach this multiple of the last announcement.");
    public static final String DETECTOR_PER_REPORTER = key("detector.per.reporter", "true",
            "When a domain as a whole is normal, also judge each reporter's failures against that reporter's own earlier windows (with the same thresholds): a failure one sender sees, diluted by the others' traffic or by a forged report's inflated session count, still fires. false: the domain-wide rule only.");
    public static final String SILENCE_AFTER_WINDOWS = key("silence.after.windows", "3",
            "A reporter that sent reports about a domain regularly and has sent none for this many windows (counted back from the newest window this processor instance has reports for, over all its tasks, that has ended by the wall clock, and found at two checks in a row) raises a reports-stopped alert (warning): the domain's _smtp._tls record or its rua may have broken. 0 turns the check off (and its store stays empty).");
    public static final String SILENCE_LOOKBACK_WINDOWS = key("silence.lookback.windows", "7",
            "The windows up to a reporter's last report judged for regularity (1 to 62).");
    public static final String SILENCE_MIN_WINDOWS = key("silence.min.windows", "5",
            "How many of the silence.lookback.windows must hold a report from the reporter for its silence to count (1 to silence.lookback.windows): one that reports now and then raises nothing.");
    public static final String SILENCE_CHECK_INTERVAL = key("silence.check.interval", "PT1H",
            "How often, by the wall clock, each task looks for stopped reporters (an ISO-8601 duration).");
    public static final String SILENCE_FORGET_WINDOWS = key("silence.forget.windows", "30",
            "A reporter silent for this many windows is no longer watched: its entry is deleted and an open reports-stopped alert about it resolved (more than silence.after.windows).");
    public static final String SILENCE_RENAME_MIN_DOMAINS = key("silence.rename.min.domains", "3",
            "A reporter that stops on at least this many domains at once (this instance's checks, over all its tasks, within two check intervals), where a reporter whose name shares a word with it (not a generic one such as Inc or Mail) began in its place, renamed its organisation: no reports-stopped alert for those domains, a warning in the log and tlsrpt_reporters_renamed_total, and the old name is no longer watched there. 0 turns the rename check off (every stop is announced).");
    public static final String SILENCE_WIDE_STOP_DOMAINS = key("silence.wide.stop.domains", "3",
            "A reporter that this instance's silence checks find stopped on at least this many domains at once (at the checks of all its tasks within two check intervals) stopped widely: each of those reports-stopped alerts' summaries says that its reports more likely no longer reach the intake (refused, dead-lettered, failing DKIM) than each domain broke its _smtp._tls record. Counted per instance: a reporter's domains on other instances are not seen. 0 turns the sentence off; otherwise at least 2.");
    // Off-heap memory of the state stores, per processor instance. Kafka Streams' default is per RocksDB instance
    // (50 MB block cache + 3 x 16 MB memtables) and the processor has several per partition (dedup, incidents,
    // one per window segment), so without a total the process grows with partitions and segments. The default
    // fits the deploy limit: 768 MiB = 384 MiB heap + 64 MiB RocksDB + ~320 MiB JVM and native overhead.
    public static final String ROCKSDB_MEMORY_BYTES = key("rocksdb.memory.bytes", "64MiB",
            "Upper bound of RocksDB's memory for all state stores of this instance together: one shared block cache of this size holds data, index and filter blocks, and the memtables are charged to it. Bytes, or with a binary unit: 64MiB, 512k, 1g (at least 4MiB). Heap (-Xmx) + this + ~320 MiB JVM overhead must fit the container's memory limit.");
    public static final String ROCKSDB_WRITE_BUFFER_RATIO = key("rocksdb.write.buffer.ratio", "0.5",
            "Share of rocksdb.memory.bytes the memtables of all stores may fill before RocksDB flushes them to disk (0.1 to 0.9); the rest caches blocks read from disk.");
    public static final String HTTP_HOST = key("http.host", "127.0.0.1", "Address of the metrics, health and domain query endpoints.");
    public static final String HTTP_PORT = key("http.port", "9464",
            "Port of /metrics, /health/live, /health/ready, /v1/domains, /v1/incidents and /v1/openapi.json; 0 picks a free port, -1 disables the server.");
    public static final String HTTP_MANAGEMENT_PORT = key("http.management.port", "-1",
            "-1 (the default): /metrics, /health/live and /health/ready are served on http.port beside the queries. 0 or a port number: they are served on this port instead (0 picks a free one), in plain HTTP on http.management.host, by threads of their own, and http.port serves the queries only: clients of the queries (many, stalled, or waiting on another instance) then never delay the kubelet's probes or Prometheus' scrape, and with http.tls.* the queries are HTTPS while probes and scrapes stay plain HTTP inside the cluster. Only with http.port >= 0; a port of its own, not http.port.");
    public static final String HTTP_MANAGEMENT_HOST = key("http.management.host", "",
            "Address of the management port (http.management.port). Empty: http.host.");
    public static final String HTTP_DOMAINS_ENABLED = key("http.domains.enabled", "true",
            "Whether the HTTP server also answers GET /v1/domains/{domain}: the domain's windows kept in the window store (as tlsrpt.domain-stats carries them) and its incidents, asked of any instance (one that does not keep the domain forwards the request to the one that does). And GET /v1/incidents: the incidents of every domain, open ones by default (?status=resolved|all, ?tenant=, ?domain=, ?limit= the most urgent N), gathered from every instance. And GET /v1/domains: every domain summed over its kept windows, worst first (?tenant=, ?domain=, ?since=, ?order=worst|name|sessions, ?limit=, ?after=). The policy domains of your reports are then readable by whoever reaches http.host:http.port.");
    public static final String HTTP_DOMAINS_LIST_MAX_AGE = key("http.domains.list.max.age", "PT30S",
            "How old the sums of GET /v1/domains may be while reports arrive. Each instance sums its partitions' domains over every kept window (a second or more at 100,000 domains) and answers from each partition's sums while no window of that partition has changed since (always exact then), or while they are younger than this; from half that age on a list still gets them and they are read again behind it (a list asked more often than every half the age never waits for a read), older sums with windows changed since are read while the list waits. 0: read again after every change (exact, each list then costing the whole read while reports arrive). Lists with since= always read the windows. A duration (PT30S, 30s, 500ms, 0).");
    public static final String HTTP_DOMAINS_TOKEN_FILE = key("http.domains.token.file", "",
            "A file holding a secret token (its first line, at least 16 characters): GET /v1/domains/{domain} then answers only requests carrying Authorization: Bearer <token> (401 otherwise), and an instance forwards it with the request. Every instance must read the same token. Empty: no token (whoever reaches the port may ask). The metrics, health and readiness endpoints stay open.");
    public static final String HTTP_DOMAINS_FAILED_TOKENS_PER_MINUTE = key("http.domains.failed.tokens.per.minute", "10",
            "How many requests with a wrong or no token each client address may make to the queries per minute, after a burst of http.domains.failed.tokens.burst: beyond that the address is answered 429 (with Retry-After) without its token being looked at, a right one included, until its allowance has grown back, so that tokens cannot be guessed at speed and a client with an expired token does not flood the log. Requests with a right token use none of it. Addresses are those the processor sees, or behind the proxies of http.trusted.proxies the clients they forward (behind a proxy not named there, all its clients share one allowance). 0: no limit. Only with tokens asked for (http.domains.token.file, http.domains.tenant.tokens.file or http.domains.jwt.issuer).");
    public static final String HTTP_DOMAINS_FAILED_TOKENS_BURST = key("http.domains.failed.tokens.burst", "20",
            "How many requests with a wrong or no token a client address may make at once before http.domains.failed.tokens.per.minute limits it (at least 1).");
    public static final String HTTP_TRUSTED_PROXIES = key("http.trusted.proxies", "",
            "Addresses or CIDR blocks of the proxies in front of the queries (a Kubernetes ingress controller, a load balancer that forwards the client's address in X-Forwarded-For), comma-separated: for a request from one of them, the client is the rightmost X-Forwarded-For address that is not a trusted proxy, and http.domains.failed.tokens.* limit that client, not the proxy (else a client with a wrong token would have every client behind the proxy answered 429). Empty (the default): the connecting address is the client and X-Forwarded-For is ignored, so that a client cannot choose its own address. IPv6 clients are limited by their /64. E.g. 10.0.0.0/8,fd00::/8.");
    public static final String HTTP_DOMAINS_JWT_ISSUER = key("http.domains.jwt.issuer", "",
            "The issuer (iss) of an identity provider's JWT access tokens the queries take as well as the token files' tokens (Entra ID: https://login.microsoftonline.com/TENANT/v2.0; Keycloak: https://HOST/realms/REALM), with http.domains.jwt.audience and http.domains.jwt.jwks.url: a portal or a user's tool asks with a token of the organisation's single sign-on instead of a static one. A token is taken when signed (http.domains.jwt.algorithms) by a key of the provider's key set, for the audience, not expired (a minute's leeway); its roles (http.domains.jwt.roles.claim) holding http.domains.jwt.operator.role let it ask everything, else its http.domains.jwt.tenant.claim names the tenant whose domains it may ask; neither: refused (401, counted among the wrong tokens). Empty: no JWTs taken.");
    public static final String HTTP_DOMAINS_JWT_AUDIENCE = key("http.domains.jwt.audience", "",
            "The audience (aud) the JWT access tokens must be for: the queries' application (Entra ID: its Application ID URI or client id).");
    public static final String HTTP_DOMAINS_JWT_JWKS_URL = key("http.domains.jwt.jwks.url", "",
            "The identity provider's key set (jwks_uri of its discovery document, https): read at start and again every hour in the background (the requests do not wait for it), every minute while it cannot be read (the keys read before stay in force), and at once for a key the provider has just rolled over to (at most once a minute).");
    public static final String HTTP_DOMAINS_JWT_CA_FILE = key("http.domains.jwt.ca.file", "",
            "PEM certificates of the authorities trusted for the key set's server (a provider with a private CA); empty: the JVM's.");
    public static final String HTTP_DOMAINS_JWT_ALGORITHMS = key("http.domains.jwt.algorithms", "RS256",
            "The signature algorithms a JWT may be signed with, comma-separated, of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 and ES512 (RS256 is Entra ID's, Okta's and Keycloak's default; Keycloak and Auth0 can sign ES256). The key that signed it must be for the algorithm (its type and curve, and the alg of its entry in the key set, if any). HMAC and none are never taken.");
    public static final String HTTP_DOMAINS_JWT_TENANT_CLAIM = key("http.domains.jwt.tenant.claim", "tlsrpt_tenant",
            "The claim of a JWT that names the tenant whose domains it may ask (a tenant name of the served-domains file). A top-level claim of that name, else a path through nested claims with its names separated by dots (org.tenant).");
    public static final String HTTP_DOMAINS_JWT_ROLES_CLAIM = key("http.domains.jwt.roles.claim", "roles",
            "The claim of a JWT listing its roles (Entra ID's app roles are in roles): a top-level claim of that name (Auth0's namespaced https://tlsrpt.example.com/roles), else a path through nested claims with its names separated by dots (Keycloak's realm roles: realm_access.roles; its client roles: resource_access.CLIENT_ID.roles).");
    public static final String HTTP_DOMAINS_JWT_OPERATOR_ROLE = key("http.domains.jwt.operator.role", "tlsrpt.operator",
            "The role that lets a JWT ask about every domain, as the operator's token does.");
    public static final String HTTP_DOMAINS_JWT_SCOPE = key("http.domains.jwt.scope", "",
            "A scope the JWT access tokens must carry to ask anything, in their scope claim (RFC 9068, Keycloak, Auth0: names separated by spaces) or scp (Entra ID: the name of the scope the queries' application exposes, e.g. Domains.Read; Okta: a list): a token the provider issued for the same audience with other scopes only is refused (401, counted among the wrong tokens). A token with neither claim is one an application got for itself (client credentials: Entra ID gives it the application's roles, no scopes) and is judged by its roles and tenant claim alone. Empty (the default): no scope asked for.");
    public static final String HTTP_DOMAINS_JWT_CLIENTS = key("http.domains.jwt.clients", "",
            "The client applications whose JWT access tokens the queries take, comma-separated ids as the tokens name them in azp (Entra ID's v2.0 tokens, Keycloak, Auth0), client_id (RFC 9068), appid (Entra ID's v1.0 tokens) or cid (Okta), the first of these a token has: e.g. the portal's and the on-call tool's application ids. A token of another application, or naming none, is refused (401, counted among the wrong tokens), whatever its roles: in Entra ID any application of the tenant can get a token for the queries' audience unless the queries' application requires assignment. Empty (the default): any client's.");
    public static final String HTTP_TRUSTED_PROXIES_HEADER = key("http.trusted.proxies.header", "x-forwarded-for",
            "The header the proxies of http.trusted.proxies write the client's address in: x-forwarded-for, or forwarded (RFC 7239, its for= nodes). Only that one is read: a proxy passes the other on as the client wrote it.");
    public static final String HTTP_DOMAINS_TENANT_TOKENS_FILE = key("http.domains.tenant.tokens.file", "",
            "A file of tenants' tokens, one line 'TENANT TOKEN' each (# comments; tokens of at least 16 characters, each once): a request carrying Authorization: Bearer <a tenant's token> gets GET /v1/domains/{domain} answered only for the domains the served-domains list names for that tenant (404 for any other, as for a domain not kept), and GET /v1/incidents and GET /v1/domains list that tenant's incidents and domains only, so that a provider can let each customer ask about its own domains and no other's. The file is read again when it changes (a token added or rotated applies within seconds); one that cannot be read or holds a bad line leaves the tokens read before in force, with a warning. With it, requests need a token (the operator's of http.domains.token.file answers for every domain). Every instance must read the same file.");
    public static final String HTTP_ADVERTISED_HOST = key("http.advertised.host", "",
            "The host name or address at which the other instances reach this one's HTTP server, for forwarding domain queries (Kafka Streams' application.server, with the port listened on). Empty: http.host, or this machine's address when http.host is a wildcard (0.0.0.0). In Kubernetes, the pod's IP; with http.tls.certificate.file, a name its certificate covers (a StatefulSet pod's DNS name under its headless Service).");
    public static final String HTTP_TLS_CERTIFICATE_FILE = key("http.tls.certificate.file", "",
            "A PEM file of the certificate the HTTP server presents, its intermediates after it (tls.crt of a Kubernetes TLS secret). With http.tls.key.file, the server speaks HTTPS only (TLS 1.2 and 1.3): the metrics, health and readiness endpoints and the queries, whose tokens then never cross the network in clear; the instances forward queries to each other over HTTPS, so every instance must serve HTTPS, and its certificate must name the host the others reach it at (http.advertised.host: in Kubernetes a StatefulSet pod's DNS name under its headless Service, which a wildcard certificate covers, rather than the pod's IP). The two files are read again when they change (looked at every 10 s), so a renewed certificate is served without a restart; a pair that cannot be read or does not match keeps the one in force, with a warning and tlsrpt_http_tls_reloads_total{result=\"failed\"}. Empty (the default): plain HTTP.");
    public static final String HTTP_TLS_KEY_FILE = key("http.tls.key.file", "",
            "The PEM file of the private key of http.tls.certificate.file, unencrypted PKCS#8 (BEGIN PRIVATE KEY; RSA, EC or Ed25519): a PKCS#1 or SEC1 key (BEGIN RSA/EC PRIVATE KEY) is refused with the openssl command that converts it (cert-manager: privateKey.encoding: PKCS8). Keep it readable by the processor's user only.");
    public static final String HTTP_TLS_CLIENT_CA_FILE = key("http.tls.client.ca.file", "",
            "A PEM file of the authorities whose client certificates the HTTPS server accepts (mutual TLS): with it, a client of the queries must present a certificate they issued or gets no TLS connection, and each instance presents its own http.tls.certificate.file to the others when it forwards a query (that certificate must then allow client authentication: no extendedKeyUsage, or one with clientAuth). Only with http.tls.certificate.file and a management port of its own (http.management.port >= 0: the kubelet's probes and Prometheus' scrape present no client certificate). Tokens (http.domains.token.file) still apply. Empty: no client certificate asked.");
    public static final String HTTP_TLS_CLIENT_CRL_FILE = key("http.tls.client.crl.file", "",
            "Certificate revocation lists (PEM or DER CRLs) of the authorities of http.tls.client.ca.file, each signed by one of them: a client presenting a certificate they list gets no TLS connection (a leaked portal certificate revoked without replacing the authority). Read again when the file changes (looked at within 5 s by the handshakes); a file that cannot be read, or holds a list no authority signed, leaves the lists read before in force, with a warning. A list past its next update still revokes what it lists (with a warning). A client whose TLS session began before its revocation may resume it for at most 5 minutes (the server's session timeout with a revocation list). Only with http.tls.client.ca.file.");
    public static final String HTTP_TLS_CA_FILE = key("http.tls.ca.file", "",
            "PEM certificates of the authorities the instances trust when they forward queries to each other over HTTPS (ca.crt of a cert-manager secret; a self-signed certificate's own file will do). Empty: the JVM's trusted authorities. Only with http.tls.certificate.file.");
    public static final String METRICS_TENANT_LABEL = key("metrics.tenant.label", "true",
            "Whether tlsrpt_alerts_total and tlsrpt_incidents_open carry each alert's tenant (the served-domains file's tenant=): one series per tenant and kind that occurred, kept after. false: tenant=\"\" for all, for a provider with so many tenants that their series would burden Prometheus (the alerts themselves, the statistics topics and the queries keep their tenant).");
    public static final String METRICS_KAFKA_REFRESH = key("metrics.kafka.refresh", "PT15S",
            "How often the Kafka client metrics on /metrics are listed again: a newly assigned partition's series "
                    + "(records_lag after a rebalance or a restart) appear at most this long after the assignment. "
                    + "At least 1 s (Micrometer's default, 60 s, left lag unseen for a minute).");

    public static final String STREAM_THREAD_REPLACEMENTS = key("stream.thread.replacements", "3",
            "How many times within stream.thread.replacement.window a stream thread that died of an error no record "
                    + "handler took (not a bad record: those are dead-lettered) is replaced by a new thread with a new "
                    + "producer, its tasks restored from their changelogs (exactly-once holds: the dead thread's open "
                    + "transaction is aborted). Such an error is usually passing, e.g. a transaction the coordinator "
                    + "aborted during a broker restart. One more within the window shuts the client down: "
                    + "/health/live turns DOWN and main exits 1 for the supervisor. 0 shuts down at the first. "
                    + "Authentication, authorisation and configuration errors shut it down at once.");
    public static final String STREAM_THREAD_REPLACEMENT_WINDOW = key("stream.thread.replacement.window", "PT10M",
            "The sliding window in which stream.thread.replacements are counted (at least one second).");

    static {
        // the decoder's caps (the same keys as `tlsrpt parse --limit`): an operator who finds a real report
        // dead-lettered by one raises it here and replays the dead letter
        DecoderLimits.documentation().forEach((name, doc) -> key(name, doc.defaultValue(), doc.doc()));
    }

    /** Prefix of keys passed through to Kafka Streams. */
    public static final String STREAMS_PREFIX = "streams.";
    /** Prefix of the environment variables of {@link #STREAMS_PREFIX} keys. */
    static final String STREAMS_ENV_PREFIX = "TLSRPT_STREAMS_";

    private final Map<String, String> values;
    private final Map<String, String> streamsOverrides;

    private ProcessorConfig(Map<String, String> values, Map<String, String> streamsOverrides) {
        this.values = values;
        this.streamsOverrides = streamsOverrides;
        validate();
    }

    /** Defaults overridden by {@code props}; no environment. */
    public static ProcessorConfig fromProperties(Properties props) {
        return fromProperties(props, Map.of());
    }

    /** Defaults, then {@code props}, then {@code env} ({@code TLSRPT_*} variables). */
    public static ProcessorConfig fromProperties(Properties props, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> streams = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        KEYS.values().forEach(k -> values.put(k.name(), k.defaultValue()));
        for (String name : props.stringPropertyNames()) {
            String value = props.getProperty(name).trim();
            if (KEYS.containsKey(name)) {
                values.put(name, value);
            } else if (name.startsWith(STREAMS_PREFIX)) {
                streams.put(name.substring(STREAMS_PREFIX.length()), value);
            } else {
                problems.add(name + ": unknown key (see the README for the keys; Kafka Streams settings take the prefix "
                        + STREAMS_PREFIX + ")");
            }
        }
        for (Key k : KEYS.values()) {
            String v = env.get(k.envName());
            if (v != null) {
                values.put(k.name(), v.trim());
            }
        }
        env.forEach((name, value) -> kafkaSettingOfEnv(name).ifPresent(setting -> streams.put(setting, value.trim())));
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new ProcessorConfig(values, streams);
    }

    /**
     * The Kafka Streams setting an environment variable {@code TLSRPT_STREAMS_<NAME>} gives (the name lower-cased,
     * underscores as dots: {@code TLSRPT_STREAMS_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}); empty for any other
     * variable.
     */
    public static Optional<String> kafkaSettingOfEnv(String envName) {
        if (!envName.startsWith(STREAMS_ENV_PREFIX) || envName.length() == STREAMS_ENV_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(envName.substring(STREAMS_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
    }

    /** Reads a properties file (or none when {@code file} is null) and the process environment. */
    public static ProcessorConfig load(Path file) throws IOException {
        Properties props = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
        }
        return fromProperties(props, System.getenv());
    }

    /** This configuration with some keys replaced (validated again). */
    public ProcessorConfig with(Map<String, String> overrides) {
        Properties props = new Properties();
        values.forEach(props::setProperty);
        streamsOverrides.forEach((k, v) -> props.setProperty(STREAMS_PREFIX + k, v));
        overrides.forEach(props::setProperty);
        return fromProperties(props);
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (get(BOOTSTRAP_SERVERS).isBlank()) {
            problems.add(BOOTSTRAP_SERVERS + ": must not be empty");
        }
        if (!get(APPLICATION_ID).matches("[a-zA-Z0-9._-]+")) {
            problems.add(APPLICATION_ID + ": only letters, digits, '.', '_' and '-' (got '" + get(APPLICATION_ID) + "')");
        }
        String url = get(SCHEMA_REGISTRY_URL);
        if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("mock://"))) {
            problems.add(SCHEMA_REGISTRY_URL + ": must start with http://, https:// or mock:// (got '" + url + "')");
        }
        String guarantee = get(PROCESSING_GUARANTEE);
        if (!guarantee.equals("exactly_once_v2") && !guarantee.equals("at_least_once")) {
            problems.add(PROCESSING_GUARANTEE + ": exactly_once_v2 or at_least_once (got '" + guarantee + "')");
        }
        for (String topic : List.of(TOPIC_RAW, TOPIC_REPORTS, TOPIC_DEAD_LETTER, TOPIC_FAILURE_STATS,
                TOPIC_DOMAIN_STATS, TOPIC_ALERTS, TOPIC_ALERTS_JSON)) {
            if (!get(topic).matches("[a-zA-Z0-9._-]{1,249}")) {
                problems.add(topic + ": not a valid topic name ('" + get(topic) + "')");
            }
        }
        check(problems, NUM_STREAM_THREADS, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        check(problems, TOPICS_PARTITIONS, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        check(problems, TOPICS_REPLICATION_FACTOR, Short::parseShort, v -> v == -1 || v >= 1, "-1 or an integer >= 1");
        check(problems, TOPICS_CREATE, ProcessorConfig::parseBoolean, v -> true, "true or false");
        for (String r : List.of(TOPICS_RETENTION_REPORTS, TOPICS_RETENTION_FAILURE_STATS,
                TOPICS_RETENTION_DOMAIN_STATS, TOPICS_RETENTION_ALERTS, TOPICS_RETENTION_ALERTS_JSON,
                TOPICS_RETENTION_DEAD_LETTER)) {
            check(problems, r, ProcessorConfig::parseRetentionMs, v -> v == -1 || v >= 60_000,
                    "-1 (forever) or a duration of at least one minute");
        }
        check(problems, COMMIT_INTERVAL, ProcessorConfig::parseDuration, v -> !v.isNegative() && !v.isZero(), "a positive duration");
        check(problems, WINDOW_SIZE, ProcessorConfig::parseDuration, v -> v.toMillis() >= 60_000, "a duration of at least one minute");
        check(problems, WINDOW_GRACE, ProcessorConfig::parseDuration, v -> !v.isNegative(), "a duration >= 0");
        check(problems, WINDOW_MAX_PARTITION_DRIFT, ProcessorConfig::parseDuration, v -> !v.isNegative(),
                "a duration >= 0");
        check(problems, WINDOW_MAX_REPORT_AHEAD, ProcessorConfig::parseDuration, v -> !v.isNegative(),
                "a duration >= 0");
        check(problems, SERVED_DOMAINS_RELOAD_INTERVAL, ProcessorConfig::parseDuration, v -> v.toMillis() >= 1_000,
                "a duration of at least one second");
        try {
            servedDomainsFile();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        check(problems, DEDUP_RETENTION, ProcessorConfig::parseDuration, v -> v.toMillis() >= 60_000, "a duration of at least one minute");
        check(problems, TOP_N, Integer::parseInt, v -> v >= 1 && v <= 100, "an integer from 1 to 100");
        check(problems, ROCKSDB_MEMORY_BYTES, ProcessorConfig::parseBytes, v -> v >= MIN_ROCKSDB_MEMORY_BYTES,
                "a size of at least 4MiB (bytes, or with k/m/g, KiB/MiB/GiB)");
        check(problems, ROCKSDB_WRITE_BUFFER_RATIO, Double::parseDouble, v -> v >= 0.1 && v <= 0.9,
                "a number from 0.1 to 0.9");
        check(problems, HTTP_PORT, Integer::parseInt, v -> v >= -1 && v <= 65535, "-1, 0 or a port number");
        check(problems, HTTP_MANAGEMENT_PORT, Integer::parseInt, v -> v >= -1 && v <= 65535, "-1, 0 or a port number");
        checkManagementPort(problems);
        check(problems, HTTP_DOMAINS_ENABLED, ProcessorConfig::parseBoolean, v -> true, "true or false");
        check(problems, HTTP_DOMAINS_LIST_MAX_AGE, ProcessorConfig::parseDuration, v -> !v.isNegative(),
                "a duration >= 0");
        check(problems, HTTP_DOMAINS_FAILED_TOKENS_PER_MINUTE, Double::parseDouble, v -> v >= 0 && v <= 1e6,
                "a number from 0 to 1000000");
        check(problems, HTTP_DOMAINS_FAILED_TOKENS_BURST, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        try {
            proxyEntries().forEach(ClientAddresses::block);
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_TRUSTED_PROXIES + ": " + e.getMessage());
        }
        check(problems, HTTP_TRUSTED_PROXIES_HEADER, ClientAddresses.Header::named, v -> true,
                "x-forwarded-for or forwarded");
        check(problems, METRICS_TENANT_LABEL, ProcessorConfig::parseBoolean, v -> true, "true or false");
        try {
            domainsToken();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        checkHttpTls(problems);
        checkQueryJwts(problems);
        try {
            domainsTenantTokensFile().ifPresent(file -> DomainQueryTokens.read(file, Optional.empty()));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        check(problems, METRICS_KAFKA_REFRESH, ProcessorConfig::parseDuration, v -> v.toMillis() >= 1_000,
                "a duration of at least one second");
        check(problems, STREAM_THREAD_REPLACEMENTS, Integer::parseInt, v -> v >= 0, "an integer >= 0");
        check(problems, STREAM_THREAD_REPLACEMENT_WINDOW, ProcessorConfig::parseDuration, v -> v.toMillis() >= 1_000,
                "a duration of at least one second");
        if (get(HTTP_HOST).isBlank()) {
            problems.add(HTTP_HOST + ": must not be empty");
        }
        check(problems, DETECTOR_BASELINE_WINDOWS, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        check(problems, DETECTOR_MIN_BASELINE_WINDOWS, Integer::parseInt, v -> v >= 0, "an integer >= 0");
        check(problems, DETECTOR_MIN_FAILED_SESSIONS, Long::parseLong, v -> v >= 1, "an integer >= 1");
        check(problems, DETECTOR_PER_REPORTER, ProcessorConfig::parseBoolean, v -> true, "true or false");
        check(problems, SILENCE_AFTER_WINDOWS, Integer::parseInt, v -> v >= 0, "an integer >= 0 (0: off)");
        check(problems, SILENCE_LOOKBACK_WINDOWS, Integer::parseInt,
                v -> v >= 1 && v <= SilenceSettings.MAX_LOOKBACK_WINDOWS,
                "an integer from 1 to " + SilenceSettings.MAX_LOOKBACK_WINDOWS);
        check(problems, SILENCE_MIN_WINDOWS, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        check(problems, SILENCE_CHECK_INTERVAL, ProcessorConfig::parseDuration, v -> !v.isNegative() && !v.isZero(),
                "a positive duration");
        check(problems, SILENCE_FORGET_WINDOWS, Integer::parseInt, v -> v >= 1, "an integer >= 1");
        check(problems, SILENCE_RENAME_MIN_DOMAINS, Integer::parseInt, v -> v >= 0, "an integer >= 0 (0: off)");
        check(problems, SILENCE_WIDE_STOP_DOMAINS, Integer::parseInt, v -> v == 0 || v >= 2, "0 (off) or an integer >= 2");
        check(problems, MAIL_DKIM_REQUIRED, ProcessorConfig::parseBoolean, v -> true, "true or false");
        for (String d : List.of(DETECTOR_MAX_TAIL_PROBABILITY, DETECTOR_RATE_FLOOR_MULTIPLE, DETECTOR_PRIOR_SESSIONS,
                DETECTOR_PRIOR_FAILURE_RATE, DETECTOR_DOWNGRADE_BASELINE_RATE, DETECTOR_RESOLVE_TRAFFIC_FRACTION,
                DETECTOR_UPDATE_GROWTH_FACTOR)) {
            check(problems, d, Double::parseDouble, v -> !v.isNaN() && !v.isInfinite(), "a number");
        }
        try {
            decoderLimits();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(StreamsSettingsCheck.problems(streamsOverrides));
        if (problems.isEmpty()) {
            try {
                detectorSettings();
            } catch (IllegalArgumentException e) {
                problems.add("detector.*: " + e.getMessage());
            }
            try {
                silenceSettings();
            } catch (IllegalArgumentException e) {
                problems.add("silence.*: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }

    private <T> void check(List<String> problems, String key, Function<String, T> parse,
                           java.util.function.Predicate<T> ok, String expected) {
        try {
            if (!ok.test(parse.apply(get(key)))) {
                problems.add(key + ": must be " + expected + " (got '" + get(key) + "')");
            }
        } catch (RuntimeException e) {
            problems.add(key + ": must be " + expected + " (got '" + get(key) + "')");
        }
    }

    static boolean parseBoolean(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean: " + v);
        };
    }

    /** Smallest RocksDB budget: below it the stores' memtables alone would overrun the shared cache. */
    static final long MIN_ROCKSDB_MEMORY_BYTES = 4L << 20;

    /** A size in bytes: a bare number, or with a binary unit k/m/g or KiB/MiB/GiB (case-insensitive). */
    static long parseBytes(String v) {
        Matcher m = BYTES.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + v);
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> 0;
            case "k", "kib" -> 10;
            case "m", "mib" -> 20;
            default -> 30;   // g, gib
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: " + v);
        }
        return n << shift;
    }

    private static final Pattern BYTES = Pattern.compile("(\\d{1,18})\\s*(|[kKmMgG]|[kKmMgG][iI][bB])");

    /** ISO-8601 (P1D, PT6H) or a number with a unit: 250ms, 90s, 30m, 6h, 1d; a bare number is milliseconds. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + v, e);
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.replaceAll("[smhd]$", ""));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofMillis(n);
        };
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown configuration key " + key);
        }
        return v;
    }

    /** A retention key in milliseconds, -1 for "forever" (Kafka's {@code retention.ms} convention). */
    public long getRetentionMs(String key) {
        return parseRetentionMs(get(key));
    }

    static long parseRetentionMs(String v) {
        return v.trim().equals("-1") ? -1 : parseDuration(v).toMillis();
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public Duration getDuration(String key) {
        return parseDuration(get(key));
    }

    public boolean getBoolean(String key) {
        return parseBoolean(get(key));
    }

    public double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    /** Kafka Streams settings given with the {@code streams.} prefix (prefix removed). */
    public Map<String, String> streamsOverrides() {
        return Collections.unmodifiableMap(streamsOverrides);
    }

    /** The decoder's caps ({@code decoder.*} keys). */
    public DecoderLimits decoderLimits() {
        return DecoderLimits.fromMap(values);
    }

    public TopicNames topicNames() {
        return new TopicNames(get(TOPIC_RAW), get(TOPIC_REPORTS), get(TOPIC_DEAD_LETTER), get(TOPIC_FAILURE_STATS),
                get(TOPIC_DOMAIN_STATS), get(TOPIC_ALERTS), get(TOPIC_ALERTS_JSON));
    }

    public DetectorSettings detectorSettings() {
        return new DetectorSettings(getInt(DETECTOR_BASELINE_WINDOWS), getInt(DETECTOR_MIN_BASELINE_WINDOWS),
                Long.parseLong(get(DETECTOR_MIN_FAILED_SESSIONS)), getDouble(DETECTOR_MAX_TAIL_PROBABILITY),
                getDouble(DETECTOR_RATE_FLOOR_MULTIPLE), getDouble(DETECTOR_PRIOR_SESSIONS),
                getDouble(DETECTOR_PRIOR_FAILURE_RATE), getDouble(DETECTOR_DOWNGRADE_BASELINE_RATE),
                getDouble(DETECTOR_RESOLVE_TRAFFIC_FRACTION), getDouble(DETECTOR_UPDATE_GROWTH_FACTOR),
                getBoolean(DETECTOR_PER_REPORTER));
    }

    public SilenceSettings silenceSettings() {
        return new SilenceSettings(getInt(SILENCE_AFTER_WINDOWS), getInt(SILENCE_LOOKBACK_WINDOWS),
                getInt(SILENCE_MIN_WINDOWS), getDuration(SILENCE_CHECK_INTERVAL), getInt(SILENCE_FORGET_WINDOWS),
                getInt(SILENCE_RENAME_MIN_DOMAINS), getInt(SILENCE_WIDE_STOP_DOMAINS));
    }

    /** The topology's settings, serving the {@link #SERVED_DOMAINS} list (the processor adds the file's). */
    public TopologySettings topologySettings() {
        ServedDomains inline = servedDomains();
        return new TopologySettings(topicNames(), get(SCHEMA_REGISTRY_URL), getDuration(WINDOW_SIZE),
                getDuration(WINDOW_GRACE), getDuration(WINDOW_MAX_PARTITION_DRIFT),
                getDuration(WINDOW_MAX_REPORT_AHEAD), getDuration(DEDUP_RETENTION), getInt(TOP_N),
                detectorSettings()).withServedDomains(() -> inline).withMailDkimRequired(getBoolean(MAIL_DKIM_REQUIRED))
                .withSilence(silenceSettings());
    }

    /** The {@link #SERVED_DOMAINS} list alone. */
    public ServedDomains servedDomains() {
        try {
            return ServedDomains.parse(get(SERVED_DOMAINS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SERVED_DOMAINS + ": " + e.getMessage(), e);
        }
    }

    /**
     * The token domain queries must carry ({@code http.domains.token.file}), empty without one.
     *
     * @throws IllegalArgumentException when the file cannot be read or its token is shorter than 16 characters
     */
    public Optional<String> domainsToken() {
        String path = get(HTTP_DOMAINS_TOKEN_FILE);
        if (path.isBlank()) {
            return Optional.empty();
        }
        String token;
        try {
            token = java.nio.file.Files.readAllLines(Path.of(path)).stream().findFirst().orElse("").strip();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(HTTP_DOMAINS_TOKEN_FILE + ": cannot read " + path + ": " + e.getMessage(),
                    e);
        }
        if (token.length() < 16) {
            throw new IllegalArgumentException(HTTP_DOMAINS_TOKEN_FILE + ": the first line of " + path
                    + " must be a token of at least 16 characters");
        }
        return Optional.of(token);
    }

    /** {@code http.management.port}: with the HTTP server on, and not its port. */
    private void checkManagementPort(List<String> problems) {
        String managementValue = get(HTTP_MANAGEMENT_PORT).trim();
        String portValue = get(HTTP_PORT).trim();
        if (!managementValue.matches("-?\\d{1,5}") || !portValue.matches("-?\\d{1,5}")) {
            return;   // not numbers: the checks of the two keys name them
        }
        int management = Integer.parseInt(managementValue);
        int port = Integer.parseInt(portValue);
        if (management < 0) {
            return;
        }
        if (port < 0) {
            problems.add(HTTP_MANAGEMENT_PORT + ": only with the HTTP server on (" + HTTP_PORT
                    + "=-1 turns every endpoint off)");
        } else if (management == port && port != 0) {
            problems.add(HTTP_MANAGEMENT_PORT + ": " + management + " is " + HTTP_PORT + " too; a port of its own, or "
                    + "-1 to serve /metrics and the health endpoints beside the queries");
        }
    }

    /** {@code http.management.port}, or -1 when /metrics and the health endpoints are on {@code http.port}. */
    public int managementPort() {
        return getInt(HTTP_MANAGEMENT_PORT);
    }

    /** {@code http.management.host}, or {@code http.host} when empty. */
    public String managementHost() {
        String host = get(HTTP_MANAGEMENT_HOST).trim();
        return host.isEmpty() ? get(HTTP_HOST) : host;
    }

    /** {@code http.domains.jwt.*}: all three addresses or none, https, known algorithms, a scope token, a CA file. */
    private void checkQueryJwts(List<String> problems) {
        long set = java.util.stream.Stream.of(HTTP_DOMAINS_JWT_ISSUER, HTTP_DOMAINS_JWT_AUDIENCE,
                HTTP_DOMAINS_JWT_JWKS_URL).filter(key -> !get(key).isBlank()).count();
        if (!get(HTTP_DOMAINS_JWT_CLIENTS).isBlank() && queryJwtClients().isEmpty()) {
            problems.add(HTTP_DOMAINS_JWT_CLIENTS + ": no client id among the commas (leave it empty for any client)");
        }
        if (set == 0) {
            if (!queryJwtClients().isEmpty()) {
                problems.add(HTTP_DOMAINS_JWT_CLIENTS + ": only with " + HTTP_DOMAINS_JWT_ISSUER + ", "
                        + HTTP_DOMAINS_JWT_AUDIENCE + " and " + HTTP_DOMAINS_JWT_JWKS_URL + " (no JWT is taken "
                        + "without them)");
            }
            return;
        }
        if (set != 3) {
            problems.add(HTTP_DOMAINS_JWT_ISSUER + ", " + HTTP_DOMAINS_JWT_AUDIENCE + " and "
                    + HTTP_DOMAINS_JWT_JWKS_URL + ": all three or none");
            return;
        }
        try {
            HttpsUrl.parse(get(HTTP_DOMAINS_JWT_JWKS_URL));
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_DOMAINS_JWT_JWKS_URL + ": " + e.getMessage());
        }
        try {
            queryJwtAlgorithms();
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_DOMAINS_JWT_ALGORITHMS + ": " + e.getMessage());
        }
        String scope = get(HTTP_DOMAINS_JWT_SCOPE).strip();
        if (!scope.isEmpty() && !QueryJwts.isScopeToken(scope)) {
            problems.add(HTTP_DOMAINS_JWT_SCOPE + ": one scope, of printable ASCII characters other than space, \" "
                    + "and \\ (RFC 6749 section 3.3): " + scope);
        }
        for (String client : queryJwtClients()) {
            if (!QueryJwts.isScopeToken(client)) {
                problems.add(HTTP_DOMAINS_JWT_CLIENTS + ": client ids of printable ASCII characters other than "
                        + "space, \" and \\, comma-separated: " + client);
            }
        }
        optionalPath(HTTP_DOMAINS_JWT_CA_FILE).ifPresent(ca -> {
            try {
                TrustedCertificates.trustManagers(ca);
            } catch (IllegalArgumentException e) {
                problems.add(HTTP_DOMAINS_JWT_CA_FILE + ": " + e.getMessage());
            }
        });
    }

    /** The identity provider's access tokens the queries take ({@code http.domains.jwt.*}), empty without one. */
    public Optional<QueryJwts> queryJwts(InstantSource clock) {
        if (get(HTTP_DOMAINS_JWT_ISSUER).isBlank()) {
            return Optional.empty();
        }
        JsonWebKeys keys = new JsonWebKeys(HttpsUrl.parse(get(HTTP_DOMAINS_JWT_JWKS_URL)),
                TrustedCertificates.clientContext(optionalPath(HTTP_DOMAINS_JWT_CA_FILE).orElse(null)),
                Duration.ofSeconds(10), clock);
        return Optional.of(new QueryJwts(new JwtVerifier(get(HTTP_DOMAINS_JWT_ISSUER).strip(),
                get(HTTP_DOMAINS_JWT_AUDIENCE).strip(), keys, queryJwtAlgorithms(), clock),
                get(HTTP_DOMAINS_JWT_TENANT_CLAIM).strip(), get(HTTP_DOMAINS_JWT_ROLES_CLAIM).strip(),
                get(HTTP_DOMAINS_JWT_OPERATOR_ROLE).strip(), get(HTTP_DOMAINS_JWT_SCOPE).strip(),
                queryJwtClients()));
    }

    /** {@code http.domains.jwt.clients}. */
    private Set<String> queryJwtClients() {
        return new LinkedHashSet<>(commaSeparated(HTTP_DOMAINS_JWT_CLIENTS));
    }

    /** {@code http.domains.jwt.algorithms}. @throws IllegalArgumentException naming one that is not known, or none */
    private Set<JwsAlgorithm> queryJwtAlgorithms() {
        Set<JwsAlgorithm> algorithms = EnumSet.noneOf(JwsAlgorithm.class);
        for (String name : get(HTTP_DOMAINS_JWT_ALGORITHMS).split(",")) {
            if (!name.isBlank()) {
                algorithms.add(JwsAlgorithm.parse(name));
            }
        }
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one");
        }
        return algorithms;
    }

    private void checkHttpTls(List<String> problems) {
        Optional<Path> certificate = httpTlsCertificateFile();
        Optional<Path> key = optionalPath(HTTP_TLS_KEY_FILE);
        if (certificate.isPresent() != key.isPresent()) {
            problems.add(HTTP_TLS_CERTIFICATE_FILE + " and " + HTTP_TLS_KEY_FILE + ": both or neither");
            return;
        }
        if (certificate.isEmpty()) {
            if (httpTlsCaFile().isPresent()) {
                problems.add(HTTP_TLS_CA_FILE + ": only with " + HTTP_TLS_CERTIFICATE_FILE
                        + " (the instances forward queries over plain HTTP without it)");
            }
            if (httpTlsClientCaFile().isPresent()) {
                problems.add(HTTP_TLS_CLIENT_CA_FILE + ": only with " + HTTP_TLS_CERTIFICATE_FILE
                        + " (client certificates need TLS)");
            }
            if (httpTlsClientCrlFile().isPresent()) {
                problems.add(HTTP_TLS_CLIENT_CRL_FILE + ": only with " + HTTP_TLS_CLIENT_CA_FILE + ", which needs "
                        + HTTP_TLS_CERTIFICATE_FILE);
            }
            return;
        }
        if (httpTlsClientCaFile().isPresent() && get(HTTP_MANAGEMENT_PORT).trim().startsWith("-")) {
            problems.add(HTTP_TLS_CLIENT_CA_FILE + ": only with " + HTTP_MANAGEMENT_PORT + " >= 0 (the probes and "
                    + "the scrape of /metrics present no client certificate; they need a port of their own)");
        }
        try {
            ServerCertificate.checkPem(certificate.get(), key.get());
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_TLS_CERTIFICATE_FILE + ": " + e.getMessage());
        }
        try {
            httpTlsCaFile().ifPresent(PemFiles::certificates);
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_TLS_CA_FILE + ": " + e.getMessage());
        }
        List<X509Certificate> clientAuthorities = List.of();
        try {
            clientAuthorities = httpTlsClientCaFile().map(PemFiles::certificates).orElse(List.of());
        } catch (IllegalArgumentException e) {
            problems.add(HTTP_TLS_CLIENT_CA_FILE + ": " + e.getMessage());
        }
        Optional<Path> revocations = httpTlsClientCrlFile();
        if (revocations.isPresent() && httpTlsClientCaFile().isEmpty()) {
            problems.add(HTTP_TLS_CLIENT_CRL_FILE + ": only with " + HTTP_TLS_CLIENT_CA_FILE);
        } else if (revocations.isPresent() && !clientAuthorities.isEmpty()) {
            try {
                new RevokedCertificates(revocations.get(), clientAuthorities, Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                problems.add(HTTP_TLS_CLIENT_CRL_FILE + ": " + e.getMessage());
            }
        }
    }

    /** {@code http.tls.certificate.file}, empty for plain HTTP. */
    public Optional<Path> httpTlsCertificateFile() {
        return optionalPath(HTTP_TLS_CERTIFICATE_FILE);
    }

    /** {@code http.tls.key.file}, empty for plain HTTP. */
    public Optional<Path> httpTlsKeyFile() {
        return optionalPath(HTTP_TLS_KEY_FILE);
    }

    /** {@code http.tls.ca.file}, empty for the JVM's authorities. */
    public Optional<Path> httpTlsCaFile() {
        return optionalPath(HTTP_TLS_CA_FILE);
    }

    /** {@code http.tls.client.ca.file}, empty when no client certificate is asked. */
    public Optional<Path> httpTlsClientCaFile() {
        return optionalPath(HTTP_TLS_CLIENT_CA_FILE);
    }

    /** {@code http.tls.client.crl.file}, empty when no client certificate is revoked. */
    public Optional<Path> httpTlsClientCrlFile() {
        return optionalPath(HTTP_TLS_CLIENT_CRL_FILE);
    }

    private Optional<Path> optionalPath(String key) {
        String path = get(key);
        return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path.strip()));
    }

    /**
     * {@link #HTTP_TRUSTED_PROXIES}: who a query came from.
     *
     * @throws IllegalArgumentException naming an entry that is neither an IP address nor a CIDR block, or a header
     *                                  that is neither x-forwarded-for nor forwarded
     */
    public ClientAddresses trustedProxies() {
        return new ClientAddresses(proxyEntries(), ClientAddresses.Header.named(get(HTTP_TRUSTED_PROXIES_HEADER)));
    }

    private List<String> proxyEntries() {
        return commaSeparated(HTTP_TRUSTED_PROXIES);
    }

    /** A key's comma-separated entries, each stripped, empty ones left out. */
    private List<String> commaSeparated(String key) {
        List<String> entries = new ArrayList<>();
        for (String entry : get(key).split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.strip());
            }
        }
        return entries;
    }

    /** The tenants' tokens file of domain queries ({@code http.domains.tenant.tokens.file}), empty without one. */
    public Optional<Path> domainsTenantTokensFile() {
        return optionalPath(HTTP_DOMAINS_TENANT_TOKENS_FILE);
    }

    /**
     * {@link #SERVED_DOMAINS_FILE} read once, with the {@link #SERVED_DOMAINS} entries; empty when no file is given.
     *
     * @throws IllegalArgumentException when either list is bad or the file cannot be read
     */
    public Optional<ServedDomainsFile> servedDomainsFile() {
        ServedDomains inline = servedDomains();
        String path = get(SERVED_DOMAINS_FILE);
        if (path.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ServedDomainsFile.open(Path.of(path), inline));
        } catch (IOException e) {
            throw new IllegalArgumentException(SERVED_DOMAINS_FILE + ": cannot read " + path + " (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SERVED_DOMAINS_FILE + ": " + path + ": " + e.getMessage(), e);
        }
    }

    /** The RocksDB budget of one processor instance ({@link #ROCKSDB_MEMORY_BYTES} in bytes). */
    public long rocksDbMemoryBytes() {
        return parseBytes(get(ROCKSDB_MEMORY_BYTES));
    }

    /** Every key with its value (for the start-up log). */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** All documented keys. */
    public static List<Key> keys() {
        return List.copyOf(KEYS.values());
    }

    /** A markdown table of every key: name, environment variable, default, meaning. */
    public static String describe() {
        StringBuilder sb = new StringBuilder("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
        for (Key k : KEYS.values()) {
            sb.append("| `").append(k.name()).append("` | `").append(k.envName()).append("` | `")
                    .append(k.name().equals(STATE_DIR) ? "${java.io.tmpdir}/tlsrpt-streams" : k.defaultValue())
                    .append("` | ").append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}

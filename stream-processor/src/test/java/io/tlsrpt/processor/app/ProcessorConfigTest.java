package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.decode.DecoderLimits;
import io.tlsrpt.processor.detect.SilenceSettings;
import io.tlsrpt.processor.rocksdb.RocksDBMemory;
import io.tlsrpt.processor.served.ServedDomains;
import io.tlsrpt.processor.topology.PipelineMetrics;
import io.tlsrpt.testkafka.TestCertificateAuthority;
import io.tlsrpt.tls.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {

    @Test
    void defaultsAreValidAndMatchTheDocumentedValues() {
        ProcessorConfig config = ProcessorConfig.fromProperties(new Properties());
        assertThat(config.get(ProcessorConfig.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
        assertThat(config.getDuration(ProcessorConfig.WINDOW_SIZE)).isEqualTo(Duration.ofDays(1));
        assertThat(config.getDuration(ProcessorConfig.WINDOW_GRACE)).isEqualTo(Duration.ofDays(2));
        assertThat(config.get(ProcessorConfig.HTTP_HOST)).isEqualTo("127.0.0.1");
        assertThat(config.topicNames().alertsJson()).isEqualTo("tlsrpt.alerts.json");
        assertThat(config.detectorSettings().minFailedSessions()).isEqualTo(10);
        assertThat(config.topologySettings().windowSize()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void kafkaSettingsWithValuesKafkaWouldRefuseAreReportedAtLoadBesideTheOthers() {
        Properties props = new Properties();
        props.setProperty("streams.num.stream.threads", "many");              // Kafka Streams, not an integer
        props.setProperty("streams.producer.linger.ms", "-5");                // producer prefix, below its minimum
        props.setProperty("streams.main.consumer.max.poll.records", "0");     // consumer prefix, below its minimum
        props.setProperty("streams.security.protocol", "TLS");                // every client, not a protocol
        props.setProperty("window.size", "soon");                             // one of ours, in the same list
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props,
                Map.of("TLSRPT_STREAMS_STATESTORE_CACHE_MAX_BYTES", "ten megabytes")))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(6)
                        .anySatisfy(p -> assertThat(p).startsWith("streams.num.stream.threads: ").contains("many"))
                        .anySatisfy(p -> assertThat(p).startsWith("streams.producer.linger.ms: "))
                        .anySatisfy(p -> assertThat(p).startsWith("streams.main.consumer.max.poll.records: "))
                        .anySatisfy(p -> assertThat(p).startsWith("streams.security.protocol: ").contains("TLS"))
                        .anySatisfy(p -> assertThat(p).startsWith("streams.statestore.cache.max.bytes: "))
                        .anySatisfy(p -> assertThat(p).startsWith("window.size: ")));
    }

    @Test
    void kafkaSettingsWithValidValuesAndNamesKafkaDoesNotDefinePassThrough() {
        Properties props = new Properties();
        props.setProperty("streams.statestore.cache.max.bytes", "0");
        props.setProperty("streams.producer.compression.type", "lz4");
        props.setProperty("streams.restore.consumer.max.poll.records", "2000");
        props.setProperty("streams.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"u\" password=\"p\";");
        // not defined by Kafka Streams or a client: a RocksDB config setter or a client plugin may read it
        props.setProperty("streams.rocksdb.custom.option", "anything");
        ProcessorConfig config = ProcessorConfig.fromProperties(props);
        assertThat(config.streamsOverrides()).containsEntry("statestore.cache.max.bytes", "0")
                .containsEntry("producer.compression.type", "lz4")
                .containsEntry("restore.consumer.max.poll.records", "2000")
                .containsEntry("rocksdb.custom.option", "anything")
                .containsKey("sasl.jaas.config");
    }

    @Test
    void decoderCapsDefaultToTheDecodersDefaultsAndAreSetByFileOrEnvironment() {
        assertThat(ProcessorConfig.fromProperties(new Properties()).decoderLimits()).isEqualTo(DecoderLimits.defaults());

        Properties props = new Properties();
        props.setProperty("decoder.max.input.bytes", "32m");
        props.setProperty("decoder.max.mime.parts", "500");
        ProcessorConfig config = ProcessorConfig.fromProperties(props,
                Map.of("TLSRPT_DECODER_MAX_MIME_PARTS", "1000", "TLSRPT_DECODER_MAX_JSON_DEPTH", "128"));
        DecoderLimits limits = config.decoderLimits();
        assertThat(limits.maxInputBytes()).isEqualTo(32L << 20);
        assertThat(limits.maxMimeParts()).isEqualTo(1000);       // the environment wins
        assertThat(limits.maxJsonDepth()).isEqualTo(128);
        assertThat(limits.maxArchiveEntries()).isEqualTo(DecoderLimits.defaults().maxArchiveEntries());
        assertThat(ProcessorConfig.keys()).extracting(ProcessorConfig.Key::name)
                .containsAll(DecoderLimits.keys().keySet());
    }

    @Test
    void aDecoderCapThatIsNotAPositiveSizeOrAnUnknownOneIsAProblem() {
        Properties props = new Properties();
        props.setProperty("decoder.max.input.bytes", "-1");
        props.setProperty("window.size", "soon");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("decoder.max.input.bytes must be positive")));

        Properties typo = new Properties();
        typo.setProperty("decoder.max.mime.partz", "10");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(typo))
                .hasMessageContaining("decoder.max.mime.partz: unknown key");
    }

    @Test
    void propertiesThenEnvironmentOverride() {
        Properties props = new Properties();
        props.setProperty("window.size", "6h");
        props.setProperty("window.grace", "PT12H");
        props.setProperty("topic.raw", "from-file");
        props.setProperty("streams.security.protocol", "SSL");
        ProcessorConfig config = ProcessorConfig.fromProperties(props,
                Map.of("TLSRPT_TOPIC_RAW", "from-env", "TLSRPT_DETECTOR_MIN_FAILED_SESSIONS", "25", "PATH", "/bin"));
        assertThat(config.getDuration(ProcessorConfig.WINDOW_SIZE)).isEqualTo(Duration.ofHours(6));
        assertThat(config.getDuration(ProcessorConfig.WINDOW_GRACE)).isEqualTo(Duration.ofHours(12));
        assertThat(config.get(ProcessorConfig.TOPIC_RAW)).isEqualTo("from-env");
        assertThat(config.detectorSettings().minFailedSessions()).isEqualTo(25);
        assertThat(config.streamsOverrides()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void kafkaStreamsSettingsComeFromTheEnvironmentToo() {
        Properties props = new Properties();
        props.setProperty("streams.security.protocol", "SSL");
        props.setProperty("streams.sasl.mechanism", "PLAIN");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
        ProcessorConfig config = ProcessorConfig.fromProperties(props, Map.of(
                "TLSRPT_STREAMS_SECURITY_PROTOCOL", "SASL_SSL", "TLSRPT_STREAMS_SASL_JAAS_CONFIG", jaas,
                "TLSRPT_STREAMS_", "ignored"));
        assertThat(config.streamsOverrides()).containsOnly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"), Map.entry("sasl.jaas.config", jaas));
    }

    @Test
    void everyProblemIsReportedWithItsKey() {
        Properties props = new Properties();
        props.setProperty("window.size", "yesterday");
        props.setProperty("processing.guarantee", "maybe");
        props.setProperty("schema.registry.url", "ftp://x");
        props.setProperty("http.port", "70000");
        props.setProperty("topic.alerts", "has space");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("window.size").hasMessageContaining("processing.guarantee")
                .hasMessageContaining("schema.registry.url").hasMessageContaining("http.port")
                .hasMessageContaining("topic.alerts");
    }

    @Test
    void aManagementPortIsOffByDefaultItsOwnAndNeedsTheHttpServer() {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.managementPort()).as("beside the queries").isEqualTo(-1);
        assertThat(defaults.managementHost()).as("http.host").isEqualTo("127.0.0.1");
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465", "TLSRPT_HTTP_HOST", "0.0.0.0"));
        assertThat(fromEnv.managementPort()).isEqualTo(9465);
        assertThat(fromEnv.managementHost()).isEqualTo("0.0.0.0");
        assertThat(ProcessorConfig.fromProperties(new Properties(), Map.of("TLSRPT_HTTP_MANAGEMENT_PORT", "0",
                "TLSRPT_HTTP_PORT", "0", "TLSRPT_HTTP_MANAGEMENT_HOST", "10.0.0.7")).managementHost())
                .as("two free ports, on an address of its own").isEqualTo("10.0.0.7");

        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9464"))).hasMessageContaining("http.management.port: 9464 is http.port");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465", "TLSRPT_HTTP_PORT", "-1")))
                .hasMessageContaining("http.management.port: only with the HTTP server on");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_MANAGEMENT_PORT", "65536"))).hasMessageContaining("http.management.port")
                .hasMessageContaining("-1, 0 or a port number");
    }

    @Test
    void theDomainQueryTokenIsReadFromItsFileAndAMissingOrShortOneIsRefusedAtLoad(@TempDir Path dir)
            throws IOException {
        assertThat(ProcessorConfig.fromProperties(new Properties()).domainsToken()).isEmpty();
        Path token = Files.writeString(dir.resolve("token"), "  0123456789abcdef-secret  \nignored\n");
        assertThat(ProcessorConfig.fromProperties(new Properties(), Map.of("TLSRPT_HTTP_DOMAINS_TOKEN_FILE",
                token.toString())).domainsToken()).hasValue("0123456789abcdef-secret");

        Properties missing = new Properties();
        missing.setProperty(ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE, dir.resolve("absent").toString());
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(missing)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.domains.token.file: cannot read");
        Properties shortToken = new Properties();
        shortToken.setProperty(ProcessorConfig.HTTP_DOMAINS_TOKEN_FILE,
                Files.writeString(dir.resolve("short"), "guessable\n").toString());
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(shortToken)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("at least 16 characters").satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("guessable"));
    }

    @Test
    void httpsNeedsBothFilesOfAPairThatBelongsTogetherFromTheEnvironmentToo(@TempDir Path dir) throws Exception {
        TestCertificateAuthority authority = new TestCertificateAuthority(dir);
        TestCertificateAuthority.PemPair one = authority.pemPair("one");
        TestCertificateAuthority.PemPair two = authority.pemPair("two");
        ProcessorConfig https = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CA_FILE", authority.caCertificate().toString()));
        assertThat(https.httpTlsCertificateFile()).hasValue(one.certificate());
        assertThat(https.httpTlsKeyFile()).hasValue(one.key());
        assertThat(https.httpTlsCaFile()).hasValue(authority.caCertificate());
        assertThat(ProcessorConfig.fromProperties(new Properties()).httpTlsCertificateFile()).isEmpty();

        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.certificate.file and http.tls.key.file: both or neither");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", two.key().toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.certificate.file: the key of " + two.key() + " is not the key");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CA_FILE", one.key().toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.ca.file: " + one.key() + ": no PEM certificate");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CA_FILE", authority.caCertificate().toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.ca.file: only with http.tls.certificate.file");

        // mutual TLS: with the server's pair, and with the probes on a port of their own
        ProcessorConfig mutual = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", authority.caCertificate().toString(),
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465"));
        assertThat(mutual.httpTlsClientCaFile()).hasValue(authority.caCertificate());
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", authority.caCertificate().toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.client.ca.file: only with http.management.port >= 0");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", authority.caCertificate().toString(),
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.client.ca.file: only with http.tls.certificate.file");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", one.key().toString(),
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.client.ca.file: " + one.key() + ": no PEM certificate");

        // revoked client certificates: lists the client authority signed, only with client certificates asked
        Path crl = authority.crl("clients", Duration.ofDays(7), PemFiles.certificates(one.certificate()).get(0));
        ProcessorConfig revoking = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", authority.caCertificate().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CRL_FILE", crl.toString(),
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465"));
        assertThat(revoking.httpTlsClientCrlFile()).hasValue(crl);
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CRL_FILE", crl.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.client.crl.file: only with http.tls.client.ca.file");
        Path forged = new TestCertificateAuthority(dir.resolve("other-ca")).crl("forged", Duration.ofDays(7));
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_HTTP_TLS_CERTIFICATE_FILE", one.certificate().toString(),
                "TLSRPT_HTTP_TLS_KEY_FILE", one.key().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CA_FILE", authority.caCertificate().toString(),
                "TLSRPT_HTTP_TLS_CLIENT_CRL_FILE", forged.toString(),
                "TLSRPT_HTTP_MANAGEMENT_PORT", "9465")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.tls.client.crl.file: " + forged)
                .hasMessageContaining("is not signed by an authority of the clients' certificates");
    }

    @Test
    void kafkaMetricsAreListedAgainEveryFifteenSecondsByDefaultAndAtMostEverySecond() {
        assertThat(ProcessorConfig.fromProperties(new Properties()).getDuration(ProcessorConfig.METRICS_KAFKA_REFRESH))
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(ProcessorConfig.fromProperties(new Properties(), Map.of("TLSRPT_METRICS_KAFKA_REFRESH", "PT2S"))
                .getDuration(ProcessorConfig.METRICS_KAFKA_REFRESH)).isEqualTo(Duration.ofSeconds(2));
        Properties tooOften = new Properties();
        tooOften.setProperty(ProcessorConfig.METRICS_KAFKA_REFRESH, "PT0.5S");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(tooOften)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("metrics.kafka.refresh").hasMessageContaining("at least one second");
    }

    @Test
    void trustedProxiesAreNoneByDefaultAddressesOrBlocksAndAnythingElseIsAProblem() throws Exception {
        InetAddress proxy = InetAddress.getByName("10.1.2.3");
        List<String> forwarded = List.of("198.51.100.7");
        assertThat(ProcessorConfig.fromProperties(new Properties()).trustedProxies().client(proxy, forwarded))
                .as("no proxy trusted: the header is ignored").isEqualTo(proxy);
        ProcessorConfig behind = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"));
        assertThat(behind.trustedProxies().client(proxy, forwarded)).isEqualTo(InetAddress.getByName("198.51.100.7"));
        Properties bad = new Properties();
        bad.setProperty(ProcessorConfig.HTTP_TRUSTED_PROXIES, "10.0.0.0/8,ingress.example");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(bad)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.trusted.proxies: 'ingress.example' is not an IP address or CIDR block");
        bad.setProperty(ProcessorConfig.HTTP_TRUSTED_PROXIES, "10.0.0.0/33");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(bad)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.trusted.proxies: '10.0.0.0/33' has a prefix length outside 0-32");

        ProcessorConfig rfc7239 = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_HTTP_TRUSTED_PROXIES", "10.0.0.0/8", "TLSRPT_HTTP_TRUSTED_PROXIES_HEADER", "forwarded"));
        assertThat(rfc7239.trustedProxies().headerName()).isEqualTo("Forwarded");
        assertThat(rfc7239.trustedProxies().client(proxy, List.of("for=\"[2001:db8::7]:4711\"")))
                .isEqualTo(InetAddress.getByName("2001:db8::7"));
        Properties badHeader = new Properties();
        badHeader.setProperty(ProcessorConfig.HTTP_TRUSTED_PROXIES_HEADER, "x-real-ip");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(badHeader))
                .hasMessageContaining("http.trusted.proxies.header: must be x-forwarded-for or forwarded");
    }

    @Test
    void unknownKeysAndInconsistentDetectorSettingsAreRejected() {
        Properties typo = new Properties();
        typo.setProperty("window.sise", "1d");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(typo)).hasMessageContaining("window.sise: unknown key");
        Properties inconsistent = new Properties();
        inconsistent.setProperty("detector.min.baseline.windows", "9");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(inconsistent))
                .hasMessageContaining("minBaselineWindows");
    }

    @Test
    void maxPartitionDriftDefaultsToSevenDaysIsOverridableAndMustNotBeNegative() {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.getDuration(ProcessorConfig.WINDOW_MAX_PARTITION_DRIFT)).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.topologySettings().maxPartitionDrift()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.topologySettings().windowCloseHorizon()).isEqualTo(Duration.ofDays(9));

        Properties props = new Properties();
        props.setProperty("window.max.partition.drift", "P3D");
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(props,
                Map.of("TLSRPT_WINDOW_MAX_PARTITION_DRIFT", "36h"));
        assertThat(fromEnv.topologySettings().maxPartitionDrift()).isEqualTo(Duration.ofHours(36));
        Properties zero = new Properties();
        zero.setProperty("window.max.partition.drift", "0s");
        assertThat(ProcessorConfig.fromProperties(zero).topologySettings().windowCloseHorizon())
                .as("no drift allowed: the aggregate closes at the grace, as before")
                .isEqualTo(Duration.ofDays(2));

        for (String bad : new String[] {"-P1D", "-5m", "soon"}) {
            Properties p = new Properties();
            p.setProperty("window.max.partition.drift", bad);
            assertThatThrownBy(() -> ProcessorConfig.fromProperties(p))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("window.max.partition.drift: must be a duration >= 0 (got '" + bad + "')");
        }
    }

    @Test
    void perReporterDetectionIsOnByDefaultAndCanBeTurnedOff() {
        assertThat(ProcessorConfig.fromProperties(new Properties()).detectorSettings().perReporter()).isTrue();
        assertThat(ProcessorConfig.fromProperties(new Properties(), Map.of("TLSRPT_DETECTOR_PER_REPORTER", "false"))
                .detectorSettings().perReporter()).isFalse();
        Properties bad = new Properties();
        bad.setProperty(ProcessorConfig.DETECTOR_PER_REPORTER, "sometimes");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(bad))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("detector.per.reporter: must be true or false (got 'sometimes')");
    }

    @Test
    void maxReportAheadIsADayByDefaultOverridableAndNotNegative() {
        assertThat(ProcessorConfig.fromProperties(new Properties()).topologySettings().maxReportAhead())
                .isEqualTo(Duration.ofDays(1));
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_WINDOW_MAX_REPORT_AHEAD", "6h"));
        assertThat(fromEnv.topologySettings().maxReportAhead()).isEqualTo(Duration.ofHours(6));
        Properties bad = new Properties();
        bad.setProperty(ProcessorConfig.WINDOW_MAX_REPORT_AHEAD, "-PT1H");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(bad))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("window.max.report.ahead: must be a duration >= 0 (got '-PT1H')");
    }

    @Test
    void servedDomainsServeEveryDomainByDefaultAndComeFromTheKeyTheEnvironmentAndAFile(@TempDir Path dir)
            throws IOException {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.topologySettings().servedDomains().get().servesAll()).isTrue();
        assertThat(defaults.servedDomainsFile()).isEmpty();
        assertThat(defaults.getDuration(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL)).isEqualTo(Duration.ofMinutes(1));

        Path file = Files.writeString(dir.resolve("served.txt"), "# customers\n*.hosted.example\n");
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(new Properties(), Map.of(
                "TLSRPT_SERVED_DOMAINS", "a.example b.example", "TLSRPT_SERVED_DOMAINS_FILE", file.toString()));
        ServedDomains inline = fromEnv.topologySettings().servedDomains().get();
        assertThat(inline.serves("b.example")).isTrue();
        assertThat(inline.serves("x.hosted.example")).as("the file is the processor's to read and re-read").isFalse();
        ServedDomains both = fromEnv.servedDomainsFile().orElseThrow().current();
        assertThat(both.serves("a.example")).isTrue();
        assertThat(both.serves("x.hosted.example")).isTrue();
        assertThat(both.size()).isEqualTo(3);
    }

    @Test
    void badServedDomainsAMissingOrEmptyFileAndAShortReloadIntervalAreRefusedAtLoad(@TempDir Path dir)
            throws IOException {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.SERVED_DOMAINS, "good.example, bad!.example");
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_FILE, dir.resolve("missing.txt").toString());
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL, "10ms");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactly(
                        "served.domains.reload.interval: must be a duration of at least one second (got '10ms')",
                        "served.domains: not a domain name: 'bad!.example'"));

        props.setProperty(ProcessorConfig.SERVED_DOMAINS, "good.example");
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_RELOAD_INTERVAL, "PT5M");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props))
                .hasMessageContaining("served.domains.file: cannot read " + dir.resolve("missing.txt"));
        props.setProperty(ProcessorConfig.SERVED_DOMAINS_FILE,
                Files.writeString(dir.resolve("empty.txt"), "# to do\n").toString());
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(props))
                .hasMessageContaining("served.domains.file: " + dir.resolve("empty.txt") + ": lists no domain");
    }

    @Test
    void describeListsEveryKeyWithItsEnvironmentVariable() {
        String table = ProcessorConfig.describe();
        for (ProcessorConfig.Key key : ProcessorConfig.keys()) {
            assertThat(table).contains("`" + key.name() + "`").contains("`" + key.envName() + "`");
        }
        assertThat(table).contains("`TLSRPT_WINDOW_GRACE`").contains("`TLSRPT_WINDOW_MAX_PARTITION_DRIFT`");
    }

    @Test
    void topicRetentionIsForeverOrADurationOfAtLeastAMinute() {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_FAILURE_STATS)).isEqualTo(-1);
        assertThat(defaults.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_DEAD_LETTER)).isEqualTo(30L * 24 * 3600 * 1000);
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_TOPICS_RETENTION_ALERTS", "400d"));
        assertThat(fromEnv.getRetentionMs(ProcessorConfig.TOPICS_RETENTION_ALERTS)).isEqualTo(400L * 24 * 3600 * 1000);
        Properties bad = new Properties();
        bad.setProperty(ProcessorConfig.TOPICS_RETENTION_ALERTS_JSON, "5s");
        bad.setProperty(ProcessorConfig.TOPICS_RETENTION_REPORTS, "forever");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(bad))
                .hasMessageContaining("topics.retention.alerts-json").hasMessageContaining("topics.retention.reports");
    }

    @Test
    void rocksDbBudgetIsASizeWithBinaryUnitsOverridableByEnvironmentAndBoundedBelow() {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.rocksDbMemoryBytes()).isEqualTo(64L << 20);
        assertThat(defaults.getDouble(ProcessorConfig.ROCKSDB_WRITE_BUFFER_RATIO)).isEqualTo(0.5);

        Map<String, Long> sizes = Map.of("4194304", 4L << 20, "4MiB", 4L << 20, "4096k", 4L << 20, "96m", 96L << 20,
                "1g", 1L << 30, "2 GiB", 2L << 30, "512KIB", -1L);
        sizes.forEach((text, bytes) -> {
            Properties p = new Properties();
            p.setProperty(ProcessorConfig.ROCKSDB_MEMORY_BYTES, text);
            if (bytes > 0) {
                assertThat(ProcessorConfig.fromProperties(p).rocksDbMemoryBytes()).as(text).isEqualTo(bytes);
            } else {
                assertThatThrownBy(() -> ProcessorConfig.fromProperties(p)).as(text)
                        .hasMessageContaining("rocksdb.memory.bytes: must be a size of at least 4MiB");
            }
        });

        Properties file = new Properties();
        file.setProperty(ProcessorConfig.ROCKSDB_MEMORY_BYTES, "32MiB");
        ProcessorConfig fromEnv = ProcessorConfig.fromProperties(file,
                Map.of("TLSRPT_ROCKSDB_MEMORY_BYTES", "128MiB", "TLSRPT_ROCKSDB_WRITE_BUFFER_RATIO", "0.25"));
        assertThat(fromEnv.rocksDbMemoryBytes()).isEqualTo(128L << 20);
        assertThat(fromEnv.getDouble(ProcessorConfig.ROCKSDB_WRITE_BUFFER_RATIO)).isEqualTo(0.25);

        for (String[] bad : new String[][] {{"rocksdb.memory.bytes", "64MB"}, {"rocksdb.memory.bytes", "-1"},
                {"rocksdb.memory.bytes", "99999999999999999999"}, {"rocksdb.memory.bytes", "9999999999g"},
                {"rocksdb.write.buffer.ratio", "0.95"}, {"rocksdb.write.buffer.ratio", "half"}}) {
            Properties p = new Properties();
            p.setProperty(bad[0], bad[1]);
            assertThatThrownBy(() -> ProcessorConfig.fromProperties(p)).as(bad[1])
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining(bad[0] + ": must be");
        }
    }

    @Test
    void tasksDoNotIdleOnTheirEmptyRepartitionPartitionUnlessOverridden() {
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        try (RocksDBMemory memory = new RocksDBMemory(4L << 20, 0.5)) {
            Properties defaults = TlsRptProcessor.streamsProperties(ProcessorConfig.fromProperties(new Properties()),
                    metrics, memory);
            assertThat(defaults.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                    .isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
            Properties props = new Properties();
            props.setProperty("streams." + StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "500");
            Properties overridden = TlsRptProcessor.streamsProperties(ProcessorConfig.fromProperties(props), metrics,
                    memory);
            assertThat(overridden.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("500");
        }
    }

    @Test
    void theProducerCompressesWithLz4UnlessTheStreamsSettingsSayOtherwise() {
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        String producerCompression = StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        try (RocksDBMemory memory = new RocksDBMemory(4L << 20, 0.5)) {
            ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
            assertThat(TlsRptProcessor.streamsProperties(defaults, metrics, memory).get(producerCompression))
                    .isEqualTo("lz4");
            assertThat(TlsRptProcessor.producerCompression(defaults)).isEqualTo("lz4");

            // Kafka Streams lets a producer-prefixed setting win over the plain one: the default must not
            // override a plain streams.compression.type
            Properties plain = new Properties();
            plain.setProperty("streams." + ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
            ProcessorConfig zstd = ProcessorConfig.fromProperties(plain);
            assertThat(TlsRptProcessor.streamsProperties(zstd, metrics, memory).get(producerCompression))
                    .isEqualTo("zstd");
            assertThat(TlsRptProcessor.producerCompression(zstd)).isEqualTo("zstd");

            Properties prefixed = new Properties();
            prefixed.setProperty("streams." + ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
            prefixed.setProperty("streams." + producerCompression, "none");
            ProcessorConfig none = ProcessorConfig.fromProperties(prefixed);
            assertThat(TlsRptProcessor.streamsProperties(none, metrics, memory).get(producerCompression))
                    .isEqualTo("none");
            assertThat(TlsRptProcessor.producerCompression(none)).isEqualTo("none");
        }
    }

    @Test
    void silenceSettingsHaveDefaultsAnEnvironmentOverrideAndAreValidated() {
        ProcessorConfig defaults = ProcessorConfig.fromProperties(new Properties());
        assertThat(defaults.silenceSettings()).isEqualTo(SilenceSettings.defaults());
        assertThat(defaults.topologySettings().silence()).isEqualTo(SilenceSettings.defaults());

        ProcessorConfig off = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_SILENCE_AFTER_WINDOWS", "0", "TLSRPT_SILENCE_CHECK_INTERVAL", "PT15M"));
        assertThat(off.topologySettings().silence().enabled()).isFalse();
        assertThat(off.silenceSettings().checkInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.silenceSettings().renameMinDomains()).isEqualTo(3);
        assertThat(ProcessorConfig.fromProperties(new Properties(), Map.of("TLSRPT_SILENCE_RENAME_MIN_DOMAINS", "0"))
                .silenceSettings().renameCheck()).isFalse();
        assertThat(defaults.silenceSettings().wideStopDomains()).isEqualTo(3);
        SilenceSettings noWideStops = ProcessorConfig.fromProperties(new Properties(),
                Map.of("TLSRPT_SILENCE_WIDE_STOP_DOMAINS", "0")).silenceSettings();
        assertThat(noWideStops.wideStop(100)).isFalse();
        assertThat(defaults.silenceSettings().wideStop(3)).isTrue();
        assertThat(defaults.silenceSettings().wideStop(2)).isFalse();

        for (String[] bad : new String[][] {{"silence.after.windows", "-1"}, {"silence.lookback.windows", "63"},
                {"silence.min.windows", "0"}, {"silence.check.interval", "PT0S"}, {"silence.forget.windows", "x"},
                {"silence.rename.min.domains", "-1"}, {"silence.wide.stop.domains", "1"},
                {"silence.wide.stop.domains", "-2"}}) {
            Properties p = new Properties();
            p.setProperty(bad[0], bad[1]);
            assertThatThrownBy(() -> ProcessorConfig.fromProperties(p)).as(bad[0] + "=" + bad[1])
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining(bad[0] + ": must be");
        }
        Properties inconsistent = new Properties();
        inconsistent.setProperty("silence.min.windows", "8");
        inconsistent.setProperty("silence.after.windows", "3");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(inconsistent))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("silence.*: silence min windows");
        Properties forgetTooSoon = new Properties();
        forgetTooSoon.setProperty("silence.forget.windows", "3");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(forgetTooSoon))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("silence forget windows");
    }
}

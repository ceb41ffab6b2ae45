package io.tlsrpt.processor.topology;

import static io.tlsrpt.processor.topology.ReportFixtures.failure;
import static io.tlsrpt.processor.topology.ReportFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reports are deduplicated on the partition of their primary policy domain (the lowest one), which also holds
 * that domain's window: only the other domains of a multi-domain report cross the second repartition topic.
 */
class PrimaryDomainRoutingTest {

    private static final String PRIMARY_TOPIC = "tlsrpt-ttd-" + DedupStage.REPARTITION + "-repartition";
    private static final String OTHERS_TOPIC = "tlsrpt-ttd-" + AggregateStage.REPARTITION + "-repartition";

    private final TopologyFixture f = new TopologyFixture();
    private final TestOutputTopic<String, byte[]> primaryRepartition = f.driver.createOutputTopic(PRIMARY_TOPIC,
            Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
    private final TestOutputTopic<String, DomainWindow> othersRepartition = f.driver.createOutputTopic(OTHERS_TOPIC,
            Serdes.String().deserializer(), AggregateStage.WINDOW_SERDE.deserializer());

    @AfterEach
    void close() {
        f.close();
    }

    private static ReportFixtures threeDomains() {
        return report("Google Inc.", "multi-1", 3)
                .policy("Zulu.example", 300, failure("certificate-expired", 3, "192.0.2.3", "mx1.zulu.example"))
                .policy("alpha.example", 100, failure("certificate-expired", 1, "192.0.2.1", "mx1.alpha.example"))
                .policy("mike.example", 200, failure("certificate-expired", 2, "192.0.2.2", "mx1.mike.example"))
                .policy("zulu.example", 30);
    }

    @Test
    void aMultiDomainReportCountsOncePerDomainAndOnlyItsOtherDomainsCrossTheSecondRepartition() {
        f.send(threeDomains(), 3);

        assertThat(primaryRepartition.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("alpha.example");
        assertThat(othersRepartition.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("mike.example", "zulu.example");
        Map<String, FailureStats> latest = f.stats.readKeyValuesToMap();
        assertThat(latest.keySet()).containsExactlyInAnyOrder("alpha.example|certificate-expired",
                "mike.example|certificate-expired", "zulu.example|certificate-expired");
        latest.values().forEach(s -> assertThat(s.getReports()).isEqualTo(1));
        assertThat(latest.get("alpha.example|certificate-expired").getTotalSessions()).isEqualTo(101);
        assertThat(latest.get("mike.example|certificate-expired").getTotalSessions()).isEqualTo(202);
        // two policies of the same domain (in two spellings) are one contribution
        assertThat(latest.get("zulu.example|certificate-expired").getTotalSessions()).isEqualTo(333);
        assertThat(f.reports.readValuesToList()).extracting(TlsReport::getReportId).containsExactly("multi-1");
    }

    @Test
    void aDomainSeenAsPrimaryAndAsOtherDomainAddsUpInOneWindow() {
        f.send(threeDomains(), 3);
        f.send(report("Yahoo", "zulu-only", 3).policy("zulu.example", 1000,
                failure("certificate-expired", 10, "192.0.2.9", "mx1.zulu.example")), 3);

        FailureStats zulu = f.stats.readKeyValuesToMap().get("zulu.example|certificate-expired");
        assertThat(zulu.getReports()).isEqualTo(2);
        assertThat(zulu.getFailedSessions()).isEqualTo(13);
        assertThat(zulu.getTotalSessions()).isEqualTo(333 + 1010);
        assertThat(zulu.getReporters()).containsExactly("Google Inc.", "Yahoo");
    }

    @Test
    void copiesOfAMultiDomainReportByMailAndAsBareJsonCountOnce() throws IOException {
        ReportFixtures r = threeDomains();
        f.send(mailWithGzipAttachment(r.bytes()), ReportFixtures.day(4), "imap", "message/rfc822");
        f.send(r.bytes(), ReportFixtures.day(4).plusSeconds(600), "https");
        f.send(r.json().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), ReportFixtures.day(4).plusSeconds(900),
                "https");

        assertThat(f.metrics.snapshot().reportsDecoded()).isEqualTo(3);
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(2);
        List<TlsReport> written = f.reports.readValuesToList();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).getProvenance().getSource()).as("the first copy is kept").isEqualTo("imap");
        // all three copies went to the primary domain's partition; the kept one alone reached the other domains
        assertThat(primaryRepartition.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly("alpha.example", "alpha.example", "alpha.example");
        assertThat(othersRepartition.readKeyValuesToList()).hasSize(2);
        Map<String, FailureStats> latest = f.stats.readKeyValuesToMap();
        latest.values().forEach(s -> assertThat(s.getReports()).isEqualTo(1));
        assertThat(latest.get("mike.example|certificate-expired").getFailedSessions()).isEqualTo(2);
    }

    @Test
    void aReportWithoutPolicyDomainIsWrittenKeyedByDedupKeyAndDeduplicated() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(report("Postfix", "no-domain", 5).policy("gone.example", 42,
                failure("validation-failure", 7, "192.0.2.5", null)).bytes());
        ((ObjectNode) json.get("policies").get(0).get("policy")).remove("policy-domain");
        byte[] bytes = mapper.writeValueAsBytes(json);
        f.send(bytes, ReportFixtures.day(6), "https");
        f.send(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(json), ReportFixtures.day(6).plusSeconds(60),
                "https");

        List<KeyValue<String, TlsReport>> written = f.reports.readKeyValuesToList();
        assertThat(written).hasSize(1);
        TlsReport report = written.get(0).value;
        assertThat(report.getReportId()).isEqualTo("no-domain");
        assertThat(written.get(0).key).isEqualTo(report.getDedupKey()).hasSize(64);
        assertThat(report.getPolicies().get(0).getPolicyDomain()).isNull();
        assertThat(f.metrics.snapshot().duplicatesDropped()).isEqualTo(1);
        // routed by its dedup key, counted in no window, and nothing for the second repartition
        assertThat(primaryRepartition.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactly(report.getDedupKey(), report.getDedupKey());
        assertThat(othersRepartition.isEmpty()).isTrue();
        assertThat(f.stats.isEmpty()).isTrue();
        assertThat(f.deadLetter.isEmpty()).isTrue();
    }

    @Test
    void theReportsTopicGetsTheBytesOfTheRepartitionAndNoInternalHeader() {
        f.send(threeDomains(), 3);
        byte[] repartitioned = primaryRepartition.readValue();
        var written = f.driver.createOutputTopic(f.topics.reports.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer()).readRecord();
        assertThat(written.value()).isEqualTo(repartitioned);
        assertThat(written.headers().lastHeader(ReportRouting.DEDUP_KEY_HEADER)).isNull();
        assertThat(written.headers().lastHeader("tlsrpt.source").value()).asString(StandardCharsets.UTF_8)
                .isEqualTo("https");
    }

    @Test
    void contributionsCarryOnlyTheArrivalHeaderAndStatisticsNoReportHeaders() {
        f.send(threeDomains(), 3);
        // the report keeps its provenance headers in the reports topic ...
        assertThat(primaryRepartition.readRecord().headers().lastHeader("tlsrpt.source")).isNotNull();
        // ... a contribution crossing the second repartition carries only its report's arrival ...
        for (var crossing : othersRepartition.readRecordsToList()) {
            assertThat(crossing.headers().toArray()).extracting(h -> h.key())
                    .containsExactly(ReportExplode.RECEIVED_AT);
        }
        // ... and the statistics, built from many reports, carry none of one report's headers
        var stats = f.stats.readRecordsToList();
        assertThat(stats).isNotEmpty();
        stats.forEach(s -> assertThat(s.headers().toArray()).isEmpty());
    }

    @Test
    void theTopologyHasExactlyTheTwoRepartitionTopicsAndTheSecondIsReadWhereTheFirstIs() {
        Topology topology = TopologyFactory.buildTopology(TopologySettings.defaults("mock://routing"),
                new ReportDecoder(), new PipelineMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        List<Set<String>> sourcesPerSubtopology = new ArrayList<>();
        Set<String> repartitionSinks = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            Set<String> sources = new TreeSet<>();
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source s) {
                    sources.addAll(s.topicSet());
                } else if (node instanceof TopologyDescription.Sink s && s.topic().endsWith("-repartition")) {
                    repartitionSinks.add(s.topic());
                }
            }
            sourcesPerSubtopology.add(sources);
        }
        // no repartition generated by the DSL (a key-changing step before a stateful one would add one)
        assertThat(repartitionSinks).containsExactly("by-other-domain-repartition",
                "report-by-primary-domain-repartition");
        // the primary domain's path and the other domains' path meet in one sub-topology: both topics are inputs of
        // the same tasks, so partition p of either (same key serde, default partitioner, same count) reaches task p
        assertThat(sourcesPerSubtopology).containsExactlyInAnyOrder(Set.of("tlsrpt.raw"),
                Set.of("report-by-primary-domain-repartition", "by-other-domain-repartition"));
    }

    @Test
    void thePrimaryDomainIsTheLowestLowerCasedPolicyDomain() {
        f.send(threeDomains(), 3);
        TlsReport report = f.reports.readValue();
        assertThat(ReportRouting.primaryDomain(report)).isEqualTo("alpha.example");
        assertThat(ReportRouting.routingKey(report)).isEqualTo("alpha.example");
    }

    /** A report mail as Google sends them: multipart/report with the gzip report base64-encoded. */
    private static byte[] mailWithGzipAttachment(byte[] json) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json);
        }
        String attachment = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gz.toByteArray());
        String mail = "From: noreply-smtp-tls-reporting@google.com\r\n"
                + "To: tlsrpt@alpha.example\r\n"
                + "Subject: Report Domain: alpha.example Submitter: google.com Report-ID: <multi-1>\r\n"
                + "Date: Wed, 04 Nov 2026 06:00:00 +0000\r\n"
                + "Message-ID: <multi-1@google.com>\r\n"
                + "TLS-Report-Domain: alpha.example\r\n"
                + "TLS-Report-Submitter: google.com\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=tlsrpt; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate TLS report.\r\n"
                + "--b1\r\nContent-Type: application/tlsrpt+gzip; name=\"google.com!alpha.example!1.json.gz\"\r\n"
                + "Content-Disposition: attachment; filename=\"google.com!alpha.example!1.json.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "\r\n--b1--\r\n";
        return mail.getBytes(StandardCharsets.US_ASCII);
    }
}

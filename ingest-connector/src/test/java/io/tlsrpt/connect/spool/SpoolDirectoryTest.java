package io.tlsrpt.connect.spool;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.OffsetKeys;
import io.tlsrpt.connect.RecordQueue;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.dkim.DkimCheck;
import io.tlsrpt.connect.record.RawRecord;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The spool source on a real directory; the test acknowledges records as Connect's commitRecord would. */
class SpoolDirectoryTest {
    @TempDir
    Path root;

    private SpoolDirectory spool;
    private final Metrics metrics = new Metrics();

    @AfterEach
    void stop() {
        if (spool != null) {
            spool.stop(Duration.ofSeconds(2));
        }
        metrics.close();
    }

    private RecordQueue start(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("spool.enabled", "true",
                "spool.inbox.directory", root.resolve("inbox").toString(), "spool.min.file.age.ms", "0",
                "spool.poll.interval.ms", "50", "max.payload.bytes", "16384"));
        props.putAll(extra);
        RecordQueue queue = new RecordQueue(100, 1_000_000);
        TlsRptSourceConfig config = new TlsRptSourceConfig(props);
        spool = new SpoolDirectory(new SourceContext(config, queue,
                new IngestMetrics(new PluginMetricsImpl(metrics, Map.of()), "t."), null, DkimCheck.from(config)));
        spool.start();
        return queue;
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<RawRecord> take(RecordQueue queue, int n) {
        List<RawRecord> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            out.addAll(queue.drain(100, 50, TimeUnit.MILLISECONDS));
            return out.size() >= n;
        });
        return out;
    }

    @Test
    void filesBecomeRecordsAndMoveToDoneOnlyWhenAcknowledged() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Files.write(inbox.resolve("a.json"), Corpus.read("rfc8460-appendix-b.json"));
        Files.write(inbox.resolve("b.eml"), Corpus.read("google-2024-09-15.eml"));
        Files.write(inbox.resolve("c.json.gz"), Corpus.gzippedReport(2));
        Files.write(inbox.resolve(".hidden"), new byte[] {1});
        Files.write(inbox.resolve("partial.tmp"), new byte[] {1});
        RecordQueue queue = start(Map.of());
        List<RawRecord> records = take(queue, 3);
        assertThat(records).extracting(RawRecord::fileName).containsExactly("a.json", "b.eml", "c.json.gz");
        assertThat(records).extracting(RawRecord::contentType)
                .containsExactly("application/tlsrpt+json", "message/rfc822", "application/tlsrpt+gzip");
        assertThat(records.get(0).payload()).isEqualTo(Corpus.read("rfc8460-appendix-b.json"));
        assertThat(records.get(0).origin()).isEqualTo("a.json");
        assertThat(names(inbox)).containsExactly(".hidden", "partial.tmp");
        assertThat(names(root.resolve("processing"))).hasSize(3);
        assertThat(names(root.resolve("done"))).isEmpty();

        spool.acknowledged(records.get(0).sourceOffset());
        spool.acknowledged(records.get(2).sourceOffset());
        spool.dropped(records.get(1).sourceOffset());
        assertThat(names(root.resolve("done"))).containsExactly("a.json", "c.json.gz");
        assertThat(names(root.resolve("failed"))).containsExactly("b.eml", "b.eml.reason");
        assertThat(Files.readString(root.resolve("failed/b.eml.reason"))).contains("dropped");
        assertThat(names(root.resolve("processing"))).isEmpty();
    }

    /**
     * A restarted worker (a new JVM) looks its offset up by the JSON bytes of [connector, partition]; with Map.of the
     * key order, and so the bytes, changed from JVM to JVM and the offset was not found (files committed but not yet
     * in done/ were sent again). Sorted keys give every JVM the same bytes.
     */
    /**
     * dkim.verify: a file named as a mail gets its verdict; a Maildir file without the usual suffix gets one only when
     * it is signed; a JSON report none. (The real Google mail's signature expired in 2024: a verdict reached before
     * any key lookup, so the resolver here answers nothing.)
     */
    @Test
    void mailsAmongTheFilesGetTheirDkimVerdict() throws Exception {
        try (ScriptedDnsServer dns = new ScriptedDnsServer(query -> null)) {
            Path inbox = Files.createDirectories(root.resolve("inbox"));
            Files.write(inbox.resolve("a.json"), Corpus.read("rfc8460-appendix-b.json"));
            Files.write(inbox.resolve("b.eml"), Corpus.read("google-2024-09-15.eml"));
            Files.write(inbox.resolve("1732950000.M1P2.mx1"), Corpus.read("google-2024-09-15.eml"));
            Files.write(inbox.resolve("1732950001.M3P4.mx1"), "From: a@b.example\r\n\r\nhello\r\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            RecordQueue queue = start(Map.of("dkim.verify", "true", "dkim.dns.server", "127.0.0.1:" + dns.port(),
                    "dkim.dns.timeout.ms", "500"));
            Map<String, String> verdicts = new java.util.TreeMap<>();
            take(queue, 4).forEach(r -> verdicts.put(r.fileName(), String.valueOf(r.dkim())));
            String expired = "fail d=google.com s=20230601 (signature expired at x=1727090234)";
            assertThat(verdicts).containsExactly(Map.entry("1732950000.M1P2.mx1", expired),
                    Map.entry("1732950001.M3P4.mx1", "null"), Map.entry("a.json", "null"), Map.entry("b.eml", expired));
        }
    }

    @Test
    void offsetKeyIsTheSameInEveryJvm() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Files.write(inbox.resolve("a.json"), Corpus.read("rfc8460-appendix-b.json"));
        RawRecord record = take(start(Map.of()), 1).get(0);
        assertThat(OffsetKeys.of("c", record.sourcePartition()))
                .isEqualTo("[\"c\",{\"directory\":\"" + inbox.toAbsolutePath().normalize() + "\",\"source\":\"spool\"}]");
    }

    @Test
    void emptyAndOversizedFilesAreSetAsideWithAReason() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Files.write(inbox.resolve("empty.json"), new byte[0]);
        Files.write(inbox.resolve("huge.json"), new byte[20000]);
        RecordQueue queue = start(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> names(root.resolve("failed")).size() == 4);
        assertThat(Files.readString(root.resolve("failed/empty.json.reason"))).contains("empty");
        assertThat(Files.readString(root.resolve("failed/huge.json.reason"))).contains("max.payload.bytes");
        assertThat(queue.size()).isZero();
    }

    /**
     * A writer that names every file alike: each file set aside or done keeps a name of its own (name.1, ...) and its
     * own reason; none replaces another (an atomic move is rename(2), which would replace it without a word).
     */
    @Test
    void filesNamedAlikeNeverReplaceEachOtherWhenSetAsideOrDone() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Files.write(inbox.resolve("report.json"), new byte[0]);
        RecordQueue queue = start(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> names(root.resolve("failed")).size() == 2);
        deliver(inbox, "report.json", new byte[20000]);
        await().atMost(Duration.ofSeconds(10)).until(() -> names(root.resolve("failed")).size() == 4);
        assertThat(names(root.resolve("failed")))
                .containsExactly("report.json", "report.json.1", "report.json.1.reason", "report.json.reason");
        assertThat(Files.readString(root.resolve("failed/report.json.reason"))).contains("empty");
        assertThat(Files.readString(root.resolve("failed/report.json.1.reason"))).contains("max.payload.bytes");

        byte[] first = Corpus.read("rfc8460-appendix-b.json");
        byte[] second = Corpus.gzippedReport(2);
        deliver(inbox, "report.json", first);
        spool.acknowledged(take(queue, 1).get(0).sourceOffset());
        deliver(inbox, "report.json", second);
        spool.acknowledged(take(queue, 1).get(0).sourceOffset());
        assertThat(names(root.resolve("done"))).containsExactly("report.json", "report.json.1");
        assertThat(Files.readAllBytes(root.resolve("done/report.json"))).isEqualTo(first);
        assertThat(Files.readAllBytes(root.resolve("done/report.json.1"))).isEqualTo(second);
    }

    /** As a writer should, while the spool runs: under a *.tmp name, then renamed in. */
    private static void deliver(Path inbox, String name, byte[] content) throws Exception {
        Path written = Files.write(inbox.resolve(name + ".tmp"), content);
        Files.move(written, inbox.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void filesStillBeingWrittenAreLeftForLater() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Path fresh = Files.write(inbox.resolve("fresh.json"), Corpus.read("contact-info-null.json"));
        Path old = Files.write(inbox.resolve("old.json"), Corpus.read("contact-info-null.json"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(120)));
        Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().plusSeconds(3600)));
        RecordQueue queue = start(Map.of("spool.min.file.age.ms", "60000"));
        List<RawRecord> records = take(queue, 1);
        assertThat(records).extracting(RawRecord::fileName).containsExactly("old.json");
        assertThat(names(inbox)).containsExactly("fresh.json");
    }
}

package io.tlsrpt.connect.it;

import io.tlsrpt.connect.Corpus;
import io.tlsrpt.connect.record.RawRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 1,000 report files through a spool directory with a Connect worker restart in the middle: each lands once, all end in done/. */
@org.junit.jupiter.api.extension.ExtendWith(SharedKafkaCluster.class)
class SpoolIngestIT {
    private static final int FILES = 1000;

    @TempDir
    Path dir;

    @Test
    void thousandFilesLandExactlyOnceAcrossAWorkerRestart() throws Exception {
        Path spool = dir.resolve("spool");
        Path inbox = spool.resolve("inbox");
        Path staging = spool.resolve("tmp");
        Files.createDirectories(inbox);
        Files.createDirectories(staging);
        Map<String, byte[]> expected = new HashMap<>();
        for (int i = 0; i < FILES; i++) {
            byte[] body = Corpus.gzippedReport(i);
            String name = String.format("report-%04d.json.gz", i);
            expected.put(name, body);
            Files.write(staging.resolve(name), body);
        }
        try (KafkaConnectHarness kc = new KafkaConnectHarness(dir, "spool")) {
            Map<String, String> cfg = new HashMap<>();
            cfg.put("spool.enabled", "true");
            cfg.put("spool.inbox.directory", inbox.toString());
            cfg.put("spool.min.file.age.ms", "0");
            cfg.put("spool.poll.interval.ms", "200");

            Instant start = Instant.now();
            kc.startWorker();
            kc.putConnector(cfg);
            // about 75 records a second: the restart comes while files are flowing
            kc.throttleConnectorProducer(50_000);
            deliver(staging, inbox, 0, FILES);
            Path done = spool.resolve("done");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> count(done) >= 200);
            kc.stopWorker();
            long doneBeforeRestart = count(done);
            long inFlightAtRestart = count(spool.resolve("processing"));
            int beforeRestart = kc.readAll().size();
            kc.startWorker();
            kc.putConnector(cfg);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(done) == FILES);
            Duration took = Duration.between(start, Instant.now());

            List<ConsumerRecord<String, byte[]>> records = kc.readAll();
            Map<String, Integer> perFile = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                String name = KafkaConnectHarness.header(r, "tlsrpt.file-name");
                perFile.merge(name, 1, Integer::sum);
                assertThat(r.value()).isEqualTo(expected.get(name));
                assertThat(r.key()).isEqualTo(RawRecords.sha256Hex(r.value()));
                assertThat(KafkaConnectHarness.header(r, "tlsrpt.source")).isEqualTo("spool");
                assertThat(KafkaConnectHarness.header(r, "tlsrpt.origin")).isEqualTo(name);
                assertThat(KafkaConnectHarness.header(r, "content-type")).isEqualTo("application/tlsrpt+gzip");
            }
            System.out.printf("Spool: %d files; at the restart %d records, %d in done/, %d claimed in processing/; "
                    + "%d records at the end; %d ms%n", FILES, beforeRestart, doneBeforeRestart, inFlightAtRestart,
                    records.size(), took.toMillis());
            assertThat(beforeRestart).as("the restart came in the middle").isLessThan(FILES);
            assertThat(perFile).hasSize(FILES).allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1));
            assertThat(records).hasSize(FILES);
            assertThat(count(inbox)).isZero();
            assertThat(count(spool.resolve("processing"))).isZero();
            assertThat(count(spool.resolve("failed"))).isZero();
            try (Stream<Path> files = Files.list(done)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected.keySet());
            }
        }
    }

    private static void deliver(Path staging, Path inbox, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            String name = String.format("report-%04d.json.gz", i);
            Files.move(staging.resolve(name), inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE); // as an MTA would
        }
    }

    private static long count(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}

package io.tlsrpt.connect.it;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.connect.Corpus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real IMAP server (GreenMail) with 500 report mails: every mail lands once and is moved to the processed folder,
 * and a Connect worker restart in the middle neither loses nor duplicates one.
 */
@org.junit.jupiter.api.extension.ExtendWith(SharedKafkaCluster.class)
class ImapIngestIT {
    private static final int MAILS = 500;

    @TempDir
    Path dir;

    @Test
    void fiveHundredMailsLandExactlyOnceAcrossAWorkerRestart() throws Exception {
        ServerSetup imapSetup = ServerSetupTest.IMAP.dynamicPort();
        GreenMail greenMail = new GreenMail(imapSetup);
        greenMail.start();
        GreenMailUser user = greenMail.setUser("tlsrpt@example.org", "tlsrpt", "secret");
        // deliver (one at a time: an IMAP server hands out ascending UIDs) while the broker starts
        CompletableFuture<Void> delivered = CompletableFuture.runAsync(() -> {
            Session session = Session.getInstance(new Properties());
            try {
                for (int i = 0; i < MAILS; i++) {
                    MimeMessage m = new MimeMessage(session,
                            new ByteArrayInputStream(Corpus.read(Corpus.MAILS.get(i % Corpus.MAILS.size()))));
                    m.setHeader("Message-ID", "<report-" + i + "@sender.example>");
                    user.deliver(m);
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        });
        try (KafkaConnectHarness kc = new KafkaConnectHarness(dir, "imap")) {
            delivered.get(120, TimeUnit.SECONDS);
            int port = greenMail.getImap().getPort();
            Map<String, String> cfg = new HashMap<>();
            cfg.put("imap.enabled", "true");
            cfg.put("imap.host", "127.0.0.1");
            cfg.put("imap.port", Integer.toString(port));
            cfg.put("imap.security", "none");
            cfg.put("imap.username", "tlsrpt");
            cfg.put("imap.password", "secret");
            cfg.put("imap.poll.interval.ms", "500");
            cfg.put("imap.fetch.batch.size", "20");

            Instant start = Instant.now();
            kc.startWorker();
            kc.putConnector(cfg);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> kc.readAll().size() >= 150);
            int beforeRestart = kc.readAll().size();
            kc.stopWorker();
            kc.startWorker();
            kc.putConnector(cfg);

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(port, "processed") == MAILS && count(port, "INBOX") == 0);
            Duration took = Duration.between(start, Instant.now());

            List<ConsumerRecord<String, byte[]>> records = kc.readAll();
            Set<String> keys = new HashSet<>();
            Set<String> origins = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                keys.add(r.key());
                origins.add(KafkaConnectHarness.header(r, "tlsrpt.origin"));
                assertThat(KafkaConnectHarness.header(r, "tlsrpt.source")).isEqualTo("imap");
                assertThat(KafkaConnectHarness.header(r, "content-type")).isEqualTo("message/rfc822");
                assertThat(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1)).containsIgnoringCase("message-id: <report-");
            }
            System.out.printf("IMAP: %d mails, %d records before the restart, %d after, %d distinct; %d ms%n",
                    MAILS, beforeRestart, records.size(), keys.size(), took.toMillis());
            assertThat(keys).hasSize(MAILS);
            assertThat(origins).hasSize(MAILS);
            assertThat(records).hasSize(MAILS);
            assertThat(count(port, "failed")).isZero();
        } finally {
            greenMail.stop();
        }
    }

    private static int count(int port, String folderName) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", port, "tlsrpt", "secret");
        try {
            Folder f = store.getFolder(folderName);
            if (!f.exists()) {
                return -1;
            }
            f.open(Folder.READ_ONLY);
            try {
                return f.getMessageCount();
            } finally {
                f.close(false);
            }
        } finally {
            store.close();
        }
    }
}

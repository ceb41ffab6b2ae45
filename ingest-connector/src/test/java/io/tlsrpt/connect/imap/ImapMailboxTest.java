package io.tlsrpt.connect.imap;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tlsrpt.connect.Corpus;
import io.tlsrpt.connect.IngestMetrics;
import io.tlsrpt.connect.RecordQueue;
import io.tlsrpt.connect.OffsetKeys;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.dkim.DkimCheck;
import io.tlsrpt.connect.dkim.TestSigner;
import io.tlsrpt.connect.record.RawRecord;
import io.tlsrpt.connect.record.RawRecords;
import io.tlsrpt.testkafka.ScriptedDnsServer;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The mailbox source against a real IMAP server (GreenMail), with this test acknowledging records as Connect would. */
class ImapMailboxTest {
    private GreenMail greenMail;
    private GreenMailUser user;
    private Metrics metrics;
    private ImapMailbox mailbox;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
        greenMail.start();
        user = greenMail.setUser("tlsrpt@example.org", "tlsrpt", "secret");
        metrics = new Metrics();
    }

    @AfterEach
    void stop() {
        if (mailbox != null) {
            mailbox.stop(Duration.ofSeconds(5));
        }
        metrics.close();
        greenMail.stop();
    }

    private RecordQueue startMailbox(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("imap.enabled", "true", "imap.host", "127.0.0.1",
                "imap.port", Integer.toString(greenMail.getImap().getPort()), "imap.security", "none",
                "imap.username", "tlsrpt", "imap.password", "secret", "imap.poll.interval.ms", "200"));
        props.putAll(extra);
        RecordQueue queue = new RecordQueue(100, 10_000_000);
        IngestMetrics im = new IngestMetrics(new PluginMetricsImpl(metrics, Map.of()), "t.");
        TlsRptSourceConfig config = new TlsRptSourceConfig(props);
        mailbox = new ImapMailbox(new SourceContext(config, queue, im, null, DkimCheck.from(config)));
        mailbox.start();
        return queue;
    }

    private void deliver(int n) throws Exception {
        Session session = Session.getInstance(new Properties());
        for (int i = 0; i < n; i++) {
            MimeMessage m = new MimeMessage(session,
                    new ByteArrayInputStream(Corpus.read(Corpus.MAILS.get(i % Corpus.MAILS.size()))));
            m.setHeader("Message-ID", "<unit-" + i + "@sender.example>");
            user.deliver(m);
        }
    }

    @Test
    void acknowledgedMailsAreMovedAndDroppedOnesSetAside() throws Exception {
        deliver(50);
        RecordQueue queue = startMailbox(Map.of());
        List<RawRecord> received = new ArrayList<>();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            received.addAll(queue.drain(100, 100, TimeUnit.MILLISECONDS));
            return received.size() >= 50;
        });
        assertThat(received).hasSize(50);
        RawRecord first = received.get(0);
        assertThat(first.source()).isEqualTo("imap");
        assertThat(first.contentType()).isEqualTo("message/rfc822");
        assertThat(first.origin()).startsWith("tlsrpt@127.0.0.1:").contains("/INBOX/");
        assertThat(new String(first.payload(), java.nio.charset.StandardCharsets.ISO_8859_1)).containsIgnoringCase("message-id: <unit-");
        assertThat(first.sourceOffset()).containsKeys("uidvalidity", "uid");

        // nothing moves before the acknowledgement
        assertThat(count("processed")).isZero();
        for (RawRecord r : received.subList(0, 49)) {
            mailbox.acknowledged(r.sourceOffset());
        }
        mailbox.dropped(received.get(49).sourceOffset());
        await().atMost(Duration.ofSeconds(30)).until(() -> count("processed") == 49 && count("failed") == 1);
        System.out.printf("IMAP unit: 50 mails read and moved in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(count("INBOX")).isZero();
    }

    /**
     * dkim.verify: each mail's verdict, from keys a real DNS server (UDP, dnsjava on both sides) gives, reaches its
     * record; the mail's bytes are not touched.
     */
    @Test
    void mailsAreDkimVerifiedWithKeysFromDnsWhenAsked() throws Exception {
        TestSigner signer = new TestSigner("rsa-sha256");
        String key = signer.keyRecord();
        java.util.concurrent.atomic.AtomicInteger downQueries = new java.util.concurrent.atomic.AtomicInteger();
        try (ScriptedDnsServer dns = new ScriptedDnsServer(query -> {
            Record question = query.getQuestion();
            Message answer = new Message(query.getHeader().getID());
            answer.getHeader().setFlag(Flags.QR);
            answer.addRecord(question, Section.QUESTION);
            String name = question.getName().toString();
            if (name.equals("sel._domainkey.reporter.example.")) {
                // a 2048-bit key does not fit one 255-byte string: the verifier joins them
                answer.addRecord(new TXTRecord(question.getName(), DClass.IN, 300,
                        List.of(key.substring(0, 200), key.substring(200))), Section.ANSWER);
            } else if (name.endsWith("down.example.")) {
                downQueries.incrementAndGet();
                answer.getHeader().setRcode(Rcode.SERVFAIL);
            } else {
                answer.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            return answer;
        })) {
            String mail = "From: <noreply@reporter.example>\r\nTo: <tlsrpt@receiver.example>\r\n"
                    + "Subject: Report Domain: receiver.example\r\nTLS-Report-Domain: receiver.example\r\n"
                    + "TLS-Report-Submitter: reporter.example\r\nMIME-Version: 1.0\r\n\r\n{\"report\": 1}\r\n";
            byte[] signed = signer.sign(mail, "reporter.example", "sel", "relaxed/relaxed",
                    "from:to:subject:tls-report-domain:tls-report-submitter", "");
            String tampered = new String(signed, StandardCharsets.ISO_8859_1).replace("{\"report\": 1}", "{\"report\": 2}");
            byte[] unreachable = signer.sign(mail, "down.example", "sel", "relaxed/relaxed", "from", "");
            byte[] unreachableToo = signer.sign(mail.replace("receiver.example\r\nTLS", "other.example\r\nTLS"),
                    "down.example", "sel", "relaxed/relaxed", "from", "");
            Session session = Session.getInstance(new Properties());
            for (byte[] m : List.of(signed, tampered.getBytes(StandardCharsets.ISO_8859_1),
                    mail.getBytes(StandardCharsets.ISO_8859_1), unreachable, unreachableToo)) {
                user.deliver(new MimeMessage(session, new ByteArrayInputStream(m)));
            }
            RecordQueue queue = startMailbox(Map.of("dkim.verify", "true", "dkim.dns.server", "127.0.0.1:" + dns.port(),
                    "dkim.dns.timeout.ms", "2000"));
            List<RawRecord> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                received.addAll(queue.drain(100, 100, TimeUnit.MILLISECONDS));
                return received.size() >= 5;
            });
            assertThat(received).extracting(RawRecord::dkim).containsExactly(
                    "pass d=reporter.example s=sel",
                    "fail d=reporter.example s=sel (body hash mismatch: the body was changed after signing)",
                    "none (no DKIM-Signature)",
                    "temperror d=down.example s=sel (DNS: the resolver 127.0.0.1:" + dns.port()
                            + " answered SERVFAIL for sel._domainkey.down.example)",
                    // while DNS fails, the next mail of the sender does not wait for it again
                    "temperror d=down.example s=sel (DNS: the resolver 127.0.0.1:" + dns.port()
                            + " answered SERVFAIL for sel._domainkey.down.example (less than 60 s ago; not asked"
                            + " again yet))");
            assertThat(downQueries).hasValue(1);
            assertThat(RawRecords.toSourceRecord(received.get(0), "tlsrpt.raw").headers()
                    .lastWithName(RawRecords.HEADER_DKIM).value()).isEqualTo("pass d=reporter.example s=sel");
            assertThat(metrics.metrics().entrySet()).filteredOn(e -> e.getKey().name().equals("dkim-results-total"))
                    .extracting(e -> e.getKey().tags().get("result") + "=" + e.getValue().metricValue())
                    .containsExactlyInAnyOrder("pass=1.0", "fail=1.0", "none=1.0", "temperror=2.0");
        }
    }

    @Test
    void oversizedMailGoesToTheFailedFolder() throws Exception {
        Session session = Session.getInstance(new Properties());
        MimeMessage big = new MimeMessage(session);
        big.setText("x".repeat(4096));
        big.setSubject("too big");
        user.deliver(big);
        RecordQueue queue = startMailbox(Map.of("max.payload.bytes", "2048"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("failed") == 1);
        assertThat(queue.size()).isZero();
        assertThat(count("INBOX")).isZero();
    }

    private int count(String folder) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), "tlsrpt", "secret");
        try {
            Folder f = store.getFolder(folder);
            if (!f.exists()) {
                return 0;
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

    /**
     * A restarted worker (a new JVM) looks its offset up by the JSON bytes of [connector, partition]; with Map.of the
     * key order, and so the bytes, changed from JVM to JVM and the offset was not found (mails committed but not yet
     * moved were sent again). Sorted keys give every JVM the same bytes.
     */
    @Test
    void offsetKeyIsTheSameInEveryJvm() throws Exception {
        deliver(1);
        RecordQueue queue = startMailbox(Map.of());
        List<RawRecord> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            received.addAll(queue.drain(10, 100, TimeUnit.MILLISECONDS));
            return !received.isEmpty();
        });
        assertThat(OffsetKeys.of("c", received.get(0).sourcePartition())).isEqualTo(
                "[\"c\",{\"folder\":\"INBOX\",\"mailbox\":\"tlsrpt@127.0.0.1:" + greenMail.getImap().getPort()
                        + "\",\"source\":\"imap\"}]");
    }

    /**
     * imap.auth.mechanism=xoauth2: the mailbox logs in with SASL XOAUTH2 and the tokens of a real HTTPS token endpoint.
     * A token the server refuses is not offered again, and a session is replaced by a login with a new token before
     * its token expires (here after 3 of its 4 seconds): the server takes only the token issued last.
     */
    @Test
    void logsInWithAccessTokensOfATokenEndpointAndRenewsThemBeforeTheyExpire(@TempDir Path dir) throws Exception {
        AtomicInteger issued = new AtomicInteger();
        Logger angus = Logger.getLogger("org.eclipse.angus.mail");
        Level level = angus.getLevel();
        // the token login's store logs under its own class's package (Angus names its loggers so)
        Logger tokenStore = Logger.getLogger(TokenOnlyImapStore.class.getPackageName());
        Level tokenStoreLevel = tokenStore.getLevel();
        List<String> protocolLog = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                protocolLog.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        angus.setLevel(Level.ALL);   // the protocol trace too, the token suppressed from it
        angus.addHandler(capture);
        tokenStore.setLevel(Level.ALL);
        tokenStore.addHandler(capture);
        user.setPassword("not-a-token");
        try (TestTokenEndpoint endpoint = new TestTokenEndpoint(dir, request -> {
            int n = issued.incrementAndGet();
            if (n > 1) {
                user.setPassword("tok-" + n);   // the first token is revoked before it is used; then the newest only
            }
            return TestTokenEndpoint.bearer("tok-" + n, 4);
        })) {
            deliver(5);
            RecordQueue queue = startMailbox(Map.of("imap.auth.mechanism", "xoauth2", "imap.password", "",
                    "imap.oauth.token.url", endpoint.uri().toString(), "imap.oauth.client.id", "app-1",
                    "imap.oauth.client.secret", "client-secret", "imap.oauth.ca.file", endpoint.caFile().toString(),
                    "imap.reconnect.backoff.ms", "100"));
            List<RawRecord> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                received.addAll(queue.drain(10, 100, TimeUnit.MILLISECONDS));
                return received.size() >= 5;
            });
            assertThat(issued.get()).isGreaterThanOrEqualTo(2);     // tok-1 refused, tok-2 logged in
            await().atMost(Duration.ofSeconds(30)).until(() -> issued.get() >= 4);   // two renewals
            deliver(5);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                received.addAll(queue.drain(10, 100, TimeUnit.MILLISECONDS));
                return received.size() >= 10;
            });
            assertThat(received).hasSize(10);
            assertThat(endpoint.requests()).allSatisfy(request -> assertThat(request.form())
                    .containsEntry("grant_type", "client_credentials").containsEntry("client_id", "app-1"));
            assertThat(tokenRequests("obtained")).isGreaterThanOrEqualTo(4.0);
            assertThat(tokenRequests("failed")).isZero();
            assertThat(protocolLog).anyMatch(line -> line != null && line.contains("AUTHENTICATE XOAUTH2"));
            for (int n = 1; n <= issued.get(); n++) {   // the protocol trace never shows a token, plain or encoded
                String token = "tok-" + n;
                String sasl = Base64.getEncoder().encodeToString(("user=tlsrpt\u0001auth=Bearer " + token
                        + "\u0001\u0001").getBytes(StandardCharsets.US_ASCII));
                assertThat(protocolLog).noneMatch(line -> line != null
                        && (line.contains(token + "\u0001") || line.contains(token + " ") || line.endsWith(token)
                        || line.contains(sasl)));
            }
        } finally {
            angus.removeHandler(capture);
            angus.setLevel(level);
            tokenStore.removeHandler(capture);
            tokenStore.setLevel(tokenStoreLevel);
        }
    }

    private double tokenRequests(String result) {
        return metrics.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("imap-token-requests-total")
                        && result.equals(e.getKey().tags().get("result")))
                .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
    }

    @Test
    void offsetsUseUidValidityAndUid() {
        assertThat(Arrays.asList(ImapMailbox.OFFSET_UIDVALIDITY, ImapMailbox.OFFSET_UID)).containsExactly("uidvalidity", "uid");
    }
}

package io.tlsrpt.connect.imap;

import io.tlsrpt.connect.InFlight;
import io.tlsrpt.connect.IngestSource;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.record.RawRecord;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads report mails from one IMAP folder: each message's raw RFC 5322 bytes become one record. Source partition
 * {source, mailbox, folder}, offset {uidvalidity, uid}. A message is flagged and moved to the processed folder only
 * once its record is acknowledged; after a restart, messages at or below the committed UID that are still in the
 * folder were acknowledged but not yet moved, so they are moved without being sent again, and sending resumes above
 * the committed UID.
 */
public final class ImapMailbox implements IngestSource {
    private static final Logger log = LoggerFactory.getLogger(ImapMailbox.class);
    static final String OFFSET_UIDVALIDITY = "uidvalidity";
    static final String OFFSET_UID = "uid";
    static final String INGESTED_KEYWORD = "$TlsRptIngested";
    private static final String CONTENT_TYPE = "message/rfc822";

    private final SourceContext ctx;
    private final TlsRptSourceConfig config;
    private final Map<String, String> partition;
    private final String mailboxId;
    private final ImapLogin login;
    private final InFlight<Long> inFlight = new InFlight<>();
    private final ConcurrentLinkedQueue<Long> toProcessed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> toFailed = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean running;
    private volatile long uidValidity = -1;
    private long lastSentUid;
    private Thread worker;
    private Store store;
    private IMAPFolder folder;

    public ImapMailbox(SourceContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.mailboxId = config.getString(TlsRptSourceConfig.IMAP_USERNAME) + "@"
                + config.getString(TlsRptSourceConfig.IMAP_HOST) + ":" + config.getInt(TlsRptSourceConfig.IMAP_PORT);
        // sorted keys: Connect finds a stored offset by the JSON bytes of the partition map, and Map.of iterates in
        // an order seeded per JVM, so a restarted worker looked up a different key and did not find its offset
        this.partition = Collections.unmodifiableMap(new TreeMap<>(Map.of("source", TlsRptSourceConfig.SOURCE_IMAP,
                "mailbox", mailboxId, "folder", config.getString(TlsRptSourceConfig.IMAP_FOLDER))));
        this.login = ImapLogin.from(config, InstantSource.system());
    }

    @Override
    public String name() {
        return TlsRptSourceConfig.SOURCE_IMAP;
    }

    @Override
    public void start() {
        if (login.endpoint() != null) {
            ctx.metrics().registerTokenGauges(login.endpoint());
        }
        log.info("IMAP {}: logging in with {}", mailboxId, login.describe());
        running = true;
        worker = new Thread(this::run, "tlsrpt-imap-" + mailboxId);
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        long first = config.getLong(TlsRptSourceConfig.IMAP_RECONNECT_BACKOFF_MS);
        long longest = Math.max(first, config.getLong(TlsRptSourceConfig.IMAP_RECONNECT_BACKOFF_MAX_MS));
        long backoff = first;
        boolean resumed = false;
        while (running) {
            try {
                connect();
                backoff = first;   // logged in: a later failure waits the first backoff again
                if (!resumed) {
                    resumeFromCommittedOffset();
                    resumed = true;
                } else if (folder.getUIDValidity() != uidValidity) {
                    log.warn("UIDVALIDITY of {} changed while reconnecting: starting over (duplicates are keyed by sha-256)",
                            partition);
                    uidValidity = folder.getUIDValidity();
                    lastSentUid = 0;
                    inFlight.removeAll();
                    // UIDs waiting to be moved name other mails in the new numbering (unsent ones, as like as not):
                    // left where they are, they are read again under the new UIDVALIDITY
                    toProcessed.clear();
                    toFailed.clear();
                }
                loop();
            } catch (MessagingException | IOException | RuntimeException e) {
                if (running) {
                    log.warn("IMAP {} failed, reconnecting in {} ms: {}", mailboxId, backoff, e.toString());
                    awaitWake(backoff);
                    // failing again and again (a refused login, a server down): longer waits, fewer log lines and
                    // token requests
                    backoff = Math.min(longest, backoff * 2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                disconnect();
            }
        }
    }

    private void connect() throws MessagingException, IOException {
        try {
            store = login.connect(config);
        } catch (AuthenticationFailedException e) {
            ctx.metrics().imapConnection("refused");
            throw e;
        } catch (MessagingException | IOException | RuntimeException e) {
            ctx.metrics().imapConnection("failed");
            throw e;
        }
        ctx.metrics().imapConnection("logged-in");
        ensureFolder(config.getString(TlsRptSourceConfig.IMAP_PROCESSED_FOLDER));
        ensureFolder(config.getString(TlsRptSourceConfig.IMAP_FAILED_FOLDER));
        folder = (IMAPFolder) store.getFolder(config.getString(TlsRptSourceConfig.IMAP_FOLDER));
        folder.open(Folder.READ_WRITE);
    }

    private void ensureFolder(String name) throws MessagingException {
        Folder f = store.getFolder(name);
        if (!f.exists() && !f.create(Folder.HOLDS_MESSAGES)) {
            throw new MessagingException("cannot create IMAP folder " + name);
        }
    }

    private void disconnect() {
        try {
            if (folder != null && folder.isOpen()) {
                folder.close(false);
            }
        } catch (MessagingException e) {
            log.debug("Closing IMAP folder failed: {}", e.toString());
        }
        try {
            if (store != null) {
                store.close();
            }
        } catch (MessagingException e) {
            log.debug("Closing IMAP store failed: {}", e.toString());
        }
        folder = null;
        store = null;
    }

    private void resumeFromCommittedOffset() throws MessagingException {
        uidValidity = folder.getUIDValidity();
        Map<String, Object> stored = ctx.offsets() == null ? null : ctx.offsets().offset(partition);
        long storedValidity = InFlight.position(stored, OFFSET_UIDVALIDITY);
        long storedUid = InFlight.position(stored, OFFSET_UID);
        if (stored == null) {
            lastSentUid = 0;
            log.info("IMAP {} {}: no committed offset, reading the whole folder", mailboxId, partition.get("folder"));
        } else if (storedValidity != uidValidity) {
            lastSentUid = 0;
            log.warn("IMAP {}: UIDVALIDITY changed from {} to {}: reading the whole folder again (duplicates are keyed "
                    + "by sha-256 for the stream processor)", mailboxId, storedValidity, uidValidity);
        } else {
            lastSentUid = storedUid;
            // acknowledged before the restart but not moved yet: move, do not send again
            Message[] committed = folder.getMessagesByUID(1, storedUid);
            List<Long> uids = new ArrayList<>();
            for (Message m : committed) {
                long uid = folder.getUID(m);
                if (uid <= storedUid) {
                    uids.add(uid);
                }
            }
            toProcessed.addAll(uids);
            log.info("IMAP {}: resuming above UID {} (UIDVALIDITY {}); {} committed mails still to move", mailboxId,
                    storedUid, uidValidity, uids.size());
        }
    }

    private void loop() throws MessagingException, IOException, InterruptedException {
        long pollInterval = config.getLong(TlsRptSourceConfig.IMAP_POLL_INTERVAL_MS);
        int batch = config.getInt(TlsRptSourceConfig.IMAP_FETCH_BATCH_SIZE);
        while (running) {
            applyMoves();
            Instant renewAt = login.renewAt();
            if (renewAt != null && !Instant.now().isBefore(renewAt)) {
                log.info("IMAP {}: the access token is due to be renewed; logging in again with a new one", mailboxId);
                return;
            }
            int sent = fetchNew(batch);
            if (sent == 0) {
                awaitWake(renewAt == null ? pollInterval
                        : Math.max(1, Math.min(pollInterval, Duration.between(Instant.now(), renewAt).toMillis())));
            }
        }
        applyMoves();
    }

    private int fetchNew(int batch) throws MessagingException, IOException, InterruptedException {
        // "UID n:*" also returns the last message when its UID is below n: filter by UID below
        // (the UID FETCH answer carries the UIDs). Lowest UIDs first, whatever the sequence order, so that
        // lastSentUid never passes a message that was not sent.
        Message[] all = folder.getMessagesByUID(lastSentUid + 1, UIDFolder.LASTUID);
        List<Message> above = new ArrayList<>();
        for (Message m : all) {
            if (m != null && !m.isExpunged() && folder.getUID(m) > lastSentUid) {
                above.add(m);
            }
        }
        above.sort(Comparator.comparingLong(this::uidOf));
        Message[] candidates = above.subList(0, Math.min(above.size(), batch)).toArray(Message[]::new);
        FetchProfile sizes = new FetchProfile();
        sizes.add(FetchProfile.Item.SIZE);
        folder.fetch(candidates, sizes); // one round trip for the batch's sizes
        int maxPayload = config.getInt(TlsRptSourceConfig.MAX_PAYLOAD_BYTES);
        List<Message> wanted = new ArrayList<>();
        for (Message m : candidates) {
            if (m.getSize() > maxPayload) {
                long uid = folder.getUID(m);
                log.warn("IMAP {} UID {}: {} bytes is over max.payload.bytes, moving to the failed folder", mailboxId,
                        uid, m.getSize());
                toFailed.add(uid);
                ctx.metrics().failed(name());
                lastSentUid = Math.max(lastSentUid, uid);
                continue;
            }
            wanted.add(m);
        }
        if (wanted.isEmpty()) {
            return 0;
        }
        // whole messages in one round trip; writeTo then replays the bytes exactly as the server sent them
        FetchProfile whole = new FetchProfile();
        whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
        folder.fetch(wanted.toArray(Message[]::new), whole);
        int sent = 0;
        for (Message m : wanted) {
            if (!running) {
                break;
            }
            long uid = folder.getUID(m);
            long receivedNanos = System.nanoTime();
            BoundedBytes raw = new BoundedBytes(maxPayload);
            try {
                m.writeTo(raw);
            } catch (IllegalStateException e) {
                if (!raw.exceeded()) {
                    throw e;
                }
                log.warn("IMAP {} UID {}: larger than max.payload.bytes, moving to the failed folder", mailboxId, uid);
            }
            if (raw.exceeded() || raw.size() == 0) {
                toFailed.add(uid);
                ctx.metrics().failed(name());
                lastSentUid = uid;
                continue;
            }
            byte[] payload = raw.toByteArray();
            String origin = mailboxId + "/" + partition.get("folder") + "/" + uidValidity + "/" + uid;
            RawRecord record = new RawRecord(payload, name(), Instant.now(), CONTENT_TYPE, origin, null, partition,
                    Map.of(OFFSET_UIDVALIDITY, uidValidity, OFFSET_UID, uid),
                    ctx.dkim().header(payload, name(), origin, ctx.metrics(), false));   // DNS on this thread
            inFlight.put(uid, receivedNanos);
            while (!ctx.queue().offer(record, 200, TimeUnit.MILLISECONDS)) {
                if (!running) {
                    inFlight.remove(uid);
                    return sent;
                }
                applyMoves(); // keep moving acknowledged mails while Kafka is slow
            }
            ctx.metrics().received(name(), payload.length);
            lastSentUid = uid;
            sent++;
        }
        return sent;
    }

    private long uidOf(Message m) {
        try {
            return folder.getUID(m);
        } catch (MessagingException e) {
            throw new IllegalStateException("UID of a fetched message is unknown", e);
        }
    }

    private void applyMoves() throws MessagingException {
        moveOrRequeue(toProcessed, config.getString(TlsRptSourceConfig.IMAP_PROCESSED_FOLDER), true);
        moveOrRequeue(toFailed, config.getString(TlsRptSourceConfig.IMAP_FAILED_FOLDER), false);
    }

    /** A failed move (connection lost) keeps its UIDs for the next attempt after reconnecting. */
    private void moveOrRequeue(ConcurrentLinkedQueue<Long> queue, String target, boolean ingested)
            throws MessagingException {
        long[] uids = drain(queue);
        try {
            move(uids, target, ingested);
        } catch (MessagingException | RuntimeException e) {
            for (long uid : uids) {
                queue.add(uid);
            }
            throw e;
        }
    }

    private static long[] drain(ConcurrentLinkedQueue<Long> queue) {
        TreeSet<Long> uids = new TreeSet<>();
        for (Long uid = queue.poll(); uid != null; uid = queue.poll()) {
            uids.add(uid);
        }
        return uids.stream().mapToLong(Long::longValue).toArray();
    }

    private void move(long[] uids, String target, boolean ingested) throws MessagingException {
        if (uids.length == 0) {
            return;
        }
        List<Message> present = new ArrayList<>();
        for (Message m : folder.getMessagesByUID(uids)) {
            if (m != null && !m.isExpunged()) {
                present.add(m);
            }
        }
        if (present.isEmpty()) {
            return;
        }
        Message[] msgs = present.toArray(Message[]::new);
        Flags flags = new Flags(Flags.Flag.SEEN);
        if (ingested) {
            flags.add(Flags.Flag.FLAGGED);
            if (folder.getPermanentFlags().contains(Flags.Flag.USER)) {
                flags.add(INGESTED_KEYWORD);
            }
        }
        folder.setFlags(msgs, flags, true);
        Folder destination = store.getFolder(target);
        if (((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability("MOVE")) {
            folder.moveMessages(msgs, destination);
        } else {
            folder.copyMessages(msgs, destination);
            folder.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
            folder.expunge(msgs);
        }
        log.debug("IMAP {}: moved {} mails to {}", mailboxId, msgs.length, target);
    }

    private void awaitWake(long millis) {
        lock.lock();
        try {
            if (running && toProcessed.isEmpty() && toFailed.isEmpty()) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void acknowledged(Map<String, ?> sourceOffset) {
        if (InFlight.position(sourceOffset, OFFSET_UIDVALIDITY) != uidValidity) {
            return;
        }
        long uid = InFlight.position(sourceOffset, OFFSET_UID);
        Long receivedNanos = inFlight.remove(uid);
        if (receivedNanos != null) {
            ctx.metrics().committed(name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedNanos));
            toProcessed.add(uid);
            signal();
        }
    }

    @Override
    public void dropped(Map<String, ?> sourceOffset) {
        if (InFlight.position(sourceOffset, OFFSET_UIDVALIDITY) != uidValidity) {
            return;
        }
        long uid = InFlight.position(sourceOffset, OFFSET_UID);
        if (inFlight.remove(uid) != null) {
            log.warn("IMAP {} UID {}: Connect dropped the record; moving the mail to the failed folder", mailboxId, uid);
            ctx.metrics().dropped(name());
            toFailed.add(uid);
            signal();
        }
    }

    @Override
    public void offsetsCommitted(OffsetStorageReader reader) {
        if (inFlight.size() == 0) {
            return;
        }
        Map<String, Object> stored = reader.offset(partition);
        if (InFlight.position(stored, OFFSET_UIDVALIDITY) != uidValidity) {
            return;
        }
        long committedUid = InFlight.position(stored, OFFSET_UID);
        Map<Long, Long> settled = inFlight.removeUpTo(committedUid);
        settled.forEach((uid, receivedNanos) -> {
            ctx.metrics().committed(name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedNanos));
            toProcessed.add(uid);
        });
        if (!settled.isEmpty()) {
            signal();
        }
    }

    @Override
    public void stop(Duration budget) {
        running = false;
        signal();
        if (worker != null) {
            try {
                worker.join(Math.max(1, budget.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                log.warn("IMAP reader for {} did not stop within {}; interrupting", mailboxId, budget);
                worker.interrupt();
            }
        }
    }
}

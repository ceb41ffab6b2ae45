package io.tlsrpt.connect.spool;

import io.tlsrpt.connect.InFlight;
import io.tlsrpt.connect.IngestSource;
import io.tlsrpt.connect.SourceContext;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.record.RawRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads report files from an inbox directory (MTA pipe or Maildir delivery). A file is first claimed by renaming it
 * into the work directory under a sequence number ({@code 0000000000000042-name}); the sequence is the Connect source
 * offset of partition {source, directory}. Once Kafka acknowledged its record the file moves to done/; unreadable,
 * empty or oversized files move to failed/ with a {@code name.reason} file. After a restart, work files at or below
 * the committed sequence were acknowledged (moved to done/ without being sent again), the others are sent again.
 */
public final class SpoolDirectory implements IngestSource {
    private static final Logger log = LoggerFactory.getLogger(SpoolDirectory.class);
    static final String OFFSET_SEQ = "seq";
    private static final int SEQ_DIGITS = 16;

    private record Claimed(Path workFile, String originalName, long receivedNanos) {
    }

    private final SourceContext ctx;
    private final TlsRptSourceConfig config;
    private final Path inbox;
    private final Path work;
    private final Path done;
    private final Path failed;
    private final Map<String, String> partition;
    private final InFlight<Claimed> inFlight = new InFlight<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final List<Path> resend = new ArrayList<>();
    private final Object wake = new Object();
    private volatile boolean running;
    private Thread worker;

    public SpoolDirectory(SourceContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.inbox = config.spoolInbox();
        this.work = config.spoolDirectory(TlsRptSourceConfig.SPOOL_WORK_DIRECTORY, "processing");
        this.done = config.spoolDirectory(TlsRptSourceConfig.SPOOL_DONE_DIRECTORY, "done");
        this.failed = config.spoolDirectory(TlsRptSourceConfig.SPOOL_FAILED_DIRECTORY, "failed");
        // sorted keys: Connect finds a stored offset by the JSON bytes of the partition map, and Map.of iterates in
        // an order seeded per JVM, so a restarted worker looked up a different key and did not find its offset
        this.partition = Collections.unmodifiableMap(new TreeMap<>(
                Map.of("source", TlsRptSourceConfig.SOURCE_SPOOL, "directory", inbox.toString())));
    }

    @Override
    public String name() {
        return TlsRptSourceConfig.SOURCE_SPOOL;
    }

    @Override
    public void start() throws IOException {
        for (Path dir : List.of(inbox, work, done, failed)) {
            Files.createDirectories(dir);
        }
        Map<String, Object> stored = ctx.offsets() == null ? null : ctx.offsets().offset(partition);
        long committed = InFlight.position(stored, OFFSET_SEQ);
        long highest = Math.max(0, committed);
        int recovered = 0;
        for (Path f : sortedFiles(work)) {
            long seq = sequenceOf(f);
            if (seq < 0) {
                continue;
            }
            highest = Math.max(highest, seq);
            if (seq <= committed) {
                moveTo(f, done, originalName(f));
                recovered++;
            } else {
                resend.add(f);
            }
        }
        nextSeq.set(highest + 1);
        log.info("Spool {}: committed sequence {}, {} acknowledged files moved to done, {} in-flight files to send again",
                inbox, committed, recovered, resend.size());
        running = true;
        worker = new Thread(this::run, "tlsrpt-spool-" + inbox.getFileName());
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        long interval = config.getLong(TlsRptSourceConfig.SPOOL_POLL_INTERVAL_MS);
        try {
            for (Path f : resend) {
                if (!running) {
                    return;
                }
                send(f, sequenceOf(f), originalName(f));
            }
            resend.clear();
            while (running) {
                int taken = scanOnce();
                if (taken == 0) {
                    synchronized (wake) {
                        if (running) {
                            wake.wait(interval);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Spool reader for {} stopped unexpectedly", inbox, e);
        }
    }

    /** Claims and sends the inbox's ready files; returns how many. */
    int scanOnce() throws InterruptedException {
        long minAge = config.getLong(TlsRptSourceConfig.SPOOL_MIN_FILE_AGE_MS);
        FileTime youngest = FileTime.from(Instant.now().minusMillis(minAge));
        int taken = 0;
        List<Path> files;
        try {
            files = sortedFiles(inbox);
        } catch (IOException e) {
            log.warn("Cannot list spool inbox {}: {}", inbox, e.toString());
            return 0;
        }
        for (Path f : files) {
            if (!running) {
                break;
            }
            String name = f.getFileName().toString();
            if (name.startsWith(".") || name.endsWith(".tmp")) {
                continue;
            }
            long seq;
            Path claimed;
            try {
                if (minAge > 0 && Files.getLastModifiedTime(f).compareTo(youngest) > 0) {
                    continue;
                }
                seq = nextSeq.getAndIncrement();
                claimed = work.resolve(String.format(Locale.ROOT, "%0" + SEQ_DIGITS + "d-%s", seq, name));
                Files.move(f, claimed, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException e) {
                log.debug("Spool file {} vanished before it was claimed", f);
                continue;
            } catch (IOException e) {
                log.warn("Cannot claim spool file {}: {}", f, e.toString());
                continue;
            } catch (InvalidPathException e) {
                // a name this JVM cannot make a path of (not in its file name encoding): set aside under a name it
                // can, not retried forever, and the reader goes on with the next file
                setAsideUnclaimed(f, e);
                continue;
            }
            try {
                if (send(claimed, seq, name)) {
                    taken++;
                }
            } catch (RuntimeException e) {
                // claimed, not sent (a mail the DKIM check could not take, say): set aside with the reason, never
                // left behind a later sequence that a commit would take for it
                log.error("Spool file {} could not be sent", name, e);
                fail(claimed, name, "could not be sent: " + e);
            }
        }
        return taken;
    }

    private void setAsideUnclaimed(Path file, InvalidPathException why) {
        String safeName = file.getFileName().toString().replaceAll("[^\\x21-\\x7E]", "_");
        log.error("Spool file {} cannot be read as named; set aside in {}", safeName, failed, why);
        ctx.metrics().failed(name());
        try {
            Path target = moveTo(file, failed, safeName);
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), "cannot be read as named: "
                    + why + "\n", StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            log.error("Cannot move {} to {}: {}", safeName, failed, e.toString());
        }
    }

    private boolean send(Path claimed, long seq, String originalName) throws InterruptedException {
        long receivedNanos = System.nanoTime();
        int maxPayload = config.getInt(TlsRptSourceConfig.MAX_PAYLOAD_BYTES);
        byte[] payload;
        try (InputStream in = Files.newInputStream(claimed)) {
            payload = in.readNBytes(maxPayload + 1);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            // the task is stopping (its reader interrupted mid-read): the file is sound, left in the work
            // directory and sent again after the restart, not set aside as unreadable
            log.info("Spool file {} left for the next start: the reader was stopped while reading it", originalName);
            return false;
        } catch (IOException e) {
            if (!running) {
                log.info("Spool file {} left for the next start: {}", originalName, e.toString());
                return false;
            }
            fail(claimed, originalName, "unreadable: " + e);
            return false;
        }
        if (payload.length == 0) {
            fail(claimed, originalName, "empty file");
            return false;
        }
        if (payload.length > maxPayload) {
            fail(claimed, originalName, "larger than max.payload.bytes (" + maxPayload + ")");
            return false;
        }
        String contentType = contentType(originalName);
        // a DNS query on this thread; a file not named as a mail gets a verdict only when it is signed
        String dkim = ctx.dkim().header(payload, name(), originalName, ctx.metrics(),
                !"message/rfc822".equals(contentType));
        RawRecord record = new RawRecord(payload, name(), Instant.now(), contentType, originalName,
                originalName, partition, Map.of(OFFSET_SEQ, seq), dkim);
        inFlight.put(seq, new Claimed(claimed, originalName, receivedNanos));
        while (!ctx.queue().offer(record, 200, TimeUnit.MILLISECONDS)) {
            if (!running) {
                inFlight.remove(seq); // stays in the work directory: sent again after a restart
                return false;
            }
        }
        ctx.metrics().received(name(), payload.length);
        return true;
    }

    private String contentType(String fileName) {
        String configured = config.getString(TlsRptSourceConfig.SPOOL_CONTENT_TYPE);
        if (!configured.isBlank()) {
            return configured;
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".eml") || lower.endsWith(".msg") || lower.contains(",s=") || lower.contains(":2,")) {
            return "message/rfc822";
        }
        if (lower.endsWith(".json")) {
            return "application/tlsrpt+json";
        }
        if (lower.endsWith(".gz")) {
            return "application/tlsrpt+gzip";
        }
        return "application/octet-stream";
    }

    private void fail(Path claimed, String originalName, String reason) {
        log.warn("Spool file {} set aside: {}", originalName, reason);
        ctx.metrics().failed(name());
        try {
            Path target = moveTo(claimed, failed, originalName);
            Files.writeString(target.resolveSibling(target.getFileName() + ".reason"), reason + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.error("Cannot move {} to {}: {}", claimed, failed, e.toString());
        }
    }

    /**
     * Moves {@code file} into {@code dir} as {@code name}, or {@code name.1}, {@code name.2} ... when taken (a writer
     * that names every file alike). An atomic move is rename(2), which replaces a file of that name without a word:
     * the name is checked first, under a lock, as the reader thread and Connect's commits both move files here.
     */
    private static Path moveTo(Path file, Path dir, String name) throws IOException {
        synchronized (SpoolDirectory.class) {
            Path target = dir.resolve(name);
            for (int i = 1; taken(target); i++) {
                target = dir.resolve(name + "." + i);
            }
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A file of this name, or its reason beside it, is there already. */
    private static boolean taken(Path target) {
        return Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                || Files.exists(target.resolveSibling(target.getFileName() + ".reason"), LinkOption.NOFOLLOW_LINKS);
    }

    private static List<Path> sortedFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            stream.forEach(files::add);
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();   // a read error in the middle of the listing: the scan tries again
        }
        files.sort(null);
        return files;
    }

    private static long sequenceOf(Path workFile) {
        String n = workFile.getFileName().toString();
        if (n.length() <= SEQ_DIGITS || n.charAt(SEQ_DIGITS) != '-') {
            return -1;
        }
        try {
            return Long.parseLong(n.substring(0, SEQ_DIGITS));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String originalName(Path workFile) {
        return workFile.getFileName().toString().substring(SEQ_DIGITS + 1);
    }

    @Override
    public void acknowledged(Map<String, ?> sourceOffset) {
        Claimed c = inFlight.remove(InFlight.position(sourceOffset, OFFSET_SEQ));
        if (c != null) {
            finish(c);
        }
    }

    private void finish(Claimed c) {
        try {
            moveTo(c.workFile(), done, c.originalName());
            ctx.metrics().committed(name(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.receivedNanos()));
        } catch (IOException e) {
            // stays in the work directory; the committed offset moves it to done/ at the next start
            log.error("Cannot move acknowledged spool file {} to {}: {}", c.workFile(), done, e.toString());
        }
    }

    @Override
    public void dropped(Map<String, ?> sourceOffset) {
        Claimed c = inFlight.remove(InFlight.position(sourceOffset, OFFSET_SEQ));
        if (c != null) {
            ctx.metrics().dropped(name());
            fail(c.workFile(), c.originalName(), "Connect dropped the record (a transformation filtered it, or a "
                    + "producer error was tolerated by errors.tolerance=all)");
        }
    }

    @Override
    public void offsetsCommitted(OffsetStorageReader reader) {
        if (inFlight.size() == 0) {
            return;
        }
        long committed = InFlight.position(reader.offset(partition), OFFSET_SEQ);
        inFlight.removeUpTo(committed).values().forEach(this::finish);
    }

    @Override
    public void stop(Duration budget) {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (worker != null) {
            try {
                worker.join(Math.max(1, budget.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worker.isAlive()) {
                worker.interrupt();
            }
        }
    }
}

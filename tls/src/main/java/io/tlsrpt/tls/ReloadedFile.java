package io.tlsrpt.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a file says, read again when the file changes (its modification time), looked at no more often than every
 * interval by the callers that use it ({@link RecheckInterval}): a change applies without a restart. A file that
 * cannot be read again, or says something refused, leaves what was read before in force, with a warning (again at
 * the next look, until the file is mended).
 *
 * @param <T> what the file is read into
 */
public final class ReloadedFile<T> {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadedFile.class);

    private final String name;
    private final Path file;
    private final Function<Path, T> read;
    private final Function<T, String> described;
    private final RecheckInterval recheck;
    private volatile T value;
    private volatile FileTime lastModified;

    /**
     * Reads {@code file} now.
     *
     * @param name      what the file is, for messages (the configuration key that names it)
     * @param read      what the file says; throws IllegalArgumentException naming what is wrong
     * @param described what was read, for the log line of a change ("3 tenants' tokens")
     * @throws IllegalArgumentException when the file cannot be read or what it says is refused
     */
    public ReloadedFile(String name, Path file, Function<Path, T> read, Function<T, String> described,
                        InstantSource clock, Duration interval) {
        this.name = name;
        this.file = file;
        this.read = read;
        this.described = described;
        this.recheck = new RecheckInterval(clock, interval);
        // looked at before it is read: a change while it is read is read again at the next look, not missed
        this.lastModified = modified();
        this.value = read.apply(file);
    }

    /** What the file says, read again first when it is time to look and the file changed since it was read. */
    public T current() {
        if (recheck.due()) {
            reloadIfChanged();
        }
        return value;
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = modified();
            if (!modified.equals(lastModified)) {
                value = read.apply(file);
                lastModified = modified;
                LOG.info("{} read again from {}", described.apply(value), file);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("{} {} not read again ({}); {} read before stay in force", name, file, e.getMessage(),
                    described.apply(value));
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

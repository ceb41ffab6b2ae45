package io.tlsrpt.cli.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where each part of a local run keeps its state under the data directory (all of it kept across restarts). */
public record DataLayout(Path root) {

    /** The embedded broker's directory (log directory and server.properties). */
    public Path kafka() {
        return root.resolve("kafka");
    }

    /** Kafka Streams {@code state.dir}. */
    public Path streamsState() {
        return root.resolve("streams");
    }

    /** The Connect worker's source offsets (standalone file store). */
    public Path connectOffsets() {
        return root.resolve("connect").resolve("offsets");
    }

    /** Spool root: {@code inbox/} is read; the connector moves files to {@code processing/}, {@code done/}, {@code failed/}. */
    public Path spool() {
        return root.resolve("spool");
    }

    /** Where report files are dropped. */
    public Path spoolInbox() {
        return spool().resolve("inbox");
    }

    /** Where the seeder writes a file before renaming it into the inbox (same file system, never scanned). */
    public Path spoolStaging() {
        return spool().resolve("staging");
    }

    /** Files the connector has committed to Kafka. */
    public Path spoolDone() {
        return spool().resolve("done");
    }

    /** Key pair and certificate of the HTTPS intake endpoint. */
    public Path tls() {
        return root.resolve("tls");
    }

    /** The seeder's marker: present once the demo month has been fed (or while it is being fed). */
    public Path seedMarker() {
        return root.resolve("seeded");
    }

    /** Creates the directories every part expects. */
    public void create() {
        try {
            for (Path dir : new Path[] {root, kafka(), streamsState(), connectOffsets().getParent(), spoolInbox(),
                spoolStaging(), tls()}) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root + ": " + e.getMessage(), e);
        }
    }
}

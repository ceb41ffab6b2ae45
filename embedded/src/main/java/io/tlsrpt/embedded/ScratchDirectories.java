package io.tlsrpt.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The work directories of throw-away runs (a broker's log, the processor's state) of analyze and bench. */
public final class ScratchDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchDirectories.class);

    private ScratchDirectories() {
    }

    /** Deletes {@code dir} and everything under it; what cannot be deleted is logged and left (a run's end). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {} completely", dir, e);
        }
    }
}

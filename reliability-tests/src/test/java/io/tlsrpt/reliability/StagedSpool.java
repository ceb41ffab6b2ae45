package io.tlsrpt.reliability;

import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.GeneratedInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A spool directory for the connector ({@code inbox/}, and the connector's {@code processing/}, {@code done/},
 * {@code failed/}) with report files written beside it first ({@code tmp/}), then moved into the inbox atomically,
 * the way an MTA delivers, so that the connector never sees a half-written file.
 */
final class StagedSpool {

    private final Path root;
    private final Path staging;
    private final Map<String, String> shaByName = new TreeMap<>();

    /** Writes each input as {@code NNNNN-<generated name>} (unique, in generation order) into the staging area. */
    StagedSpool(Path root, List<GeneratedInput> inputs) throws IOException {
        this.root = root;
        this.staging = root.resolve("tmp");
        Files.createDirectories(inbox());
        Files.createDirectories(staging);
        for (int i = 0; i < inputs.size(); i++) {
            String name = String.format("%05d-%s", i, inputs.get(i).fileName());
            Files.write(staging.resolve(name), inputs.get(i).bytes());
            shaByName.put(name, RawInputProducer.sha256Hex(inputs.get(i).bytes()));
        }
    }

    Path inbox() {
        return root.resolve("inbox");
    }

    /** File name to lower-case hex sha-256 of its bytes (the raw record key it must get). */
    Map<String, String> shaByName() {
        return Collections.unmodifiableMap(shaByName);
    }

    /** Moves every staged file into the inbox, in name order. */
    void release() throws IOException {
        for (String name : shaByName.keySet()) {
            Files.move(staging.resolve(name), inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Files in a subdirectory of the spool ({@code inbox}, {@code processing}, {@code done}, {@code failed}). */
    long count(String subdirectory) {
        return names(subdirectory).size();
    }

    /** Names of the files in a subdirectory, without the connector's {@code .reason} files; empty when absent. */
    Set<String> names(String subdirectory) {
        Path dir = root.resolve(subdirectory);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".reason"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

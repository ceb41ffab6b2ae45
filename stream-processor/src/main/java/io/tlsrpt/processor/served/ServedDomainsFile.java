package io.tlsrpt.processor.served;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code served.domains.file}: one entry per line (as in {@link ServedDomains}), {@code #} starts a comment. Read at
 * start, then again by {@link #reload()} (the processor calls it every {@code served.domains.reload.interval}), so
 * that a provider adds a domain without a restart. A reload that cannot read the file, or finds a bad line or no
 * entry at all, keeps the list it had: a file caught half-written by an editor, or emptied by mistake, must not turn
 * every report away nor switch the list off.
 */
public final class ServedDomainsFile {

    /** What a {@link #reload()} did. */
    public enum Outcome { UNCHANGED, APPLIED, FAILED }

    /** The outcome, and for {@link Outcome#FAILED} why. */
    public record Reload(Outcome outcome, String problem) {
    }

    private final Path file;
    private final ServedDomains inline;
    private volatile ServedDomains current;
    private byte[] lastContent;

    private ServedDomainsFile(Path file, ServedDomains inline, byte[] content, ServedDomains fromFile) {
        this.file = file;
        this.inline = inline;
        this.lastContent = content;
        this.current = inline.and(fromFile);
    }

    /**
     * Reads the file once; the list is then {@code inline} (the {@code served.domains} key) and the file's entries.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException if a line is not an entry, or no line is
     */
    public static ServedDomainsFile open(Path file, ServedDomains inline) throws IOException {
        byte[] content = Files.readAllBytes(file);
        return new ServedDomainsFile(file, inline, content, parse(content));
    }

    /** The entries of a file's content; at least one. */
    static ServedDomains parse(byte[] content) {
        List<String> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ListFile.Entry entry : ListFile.entries(new String(content, StandardCharsets.UTF_8))) {
            try {
                ServedDomains.of(List.of(entry.text()));
                entries.add(entry.text());
            } catch (IllegalArgumentException e) {
                problems.add("line " + entry.line() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("lists no domain (to serve every domain, leave the key empty)");
        }
        return ServedDomains.of(entries);
    }

    /** The list in force: the inline entries and the file's as last read successfully. */
    public ServedDomains current() {
        return current;
    }

    public Path path() {
        return file;
    }

    /** Reads the file again and applies it when its content changed and is a valid list. One caller at a time. */
    public synchronized Reload reload() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Reload(Outcome.FAILED, "cannot read " + file + ": " + e);
        }
        if (Arrays.equals(content, lastContent)) {
            return new Reload(Outcome.UNCHANGED, null);
        }
        ServedDomains fromFile;
        try {
            fromFile = parse(content);
        } catch (IllegalArgumentException e) {
            return new Reload(Outcome.FAILED, file + ": " + e.getMessage());
        }
        lastContent = content;
        current = inline.and(fromFile);
        return new Reload(Outcome.APPLIED, null);
    }
}

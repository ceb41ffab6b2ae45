package io.tlsrpt.processor.served;

import java.util.ArrayList;
import java.util.List;

/**
 * The entries of the line files an operator keeps (served domains, watched domains, tokens, recipients): one entry
 * per line, {@code #} starts a comment, blank lines are skipped, each entry with its line number for the message
 * that names a bad one.
 */
public final class ListFile {

    /** One entry: its text without comment and surrounding white space, and its line, from 1. */
    public record Entry(int line, String text) {
    }

    private ListFile() {
    }

    /** The entries of {@code content} (lines ended by LF, CRLF or CR). */
    public static List<Entry> entries(String content) {
        String[] lines = content.split("\r?\n|\r");
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!text.isEmpty()) {
                entries.add(new Entry(i + 1, text));
            }
        }
        return entries;
    }
}

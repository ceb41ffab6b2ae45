package io.tlsrpt.cli;

import io.tlsrpt.processor.decode.ControlCharacters;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * What the commands print, with every control character but line feed and tab replaced by U+FFFD: the commands show
 * what reports, DNS records, policy files and certificates say, and an escape sequence in any of them would drive the
 * operator's terminal (clear it, rewrite a line, set its title, hide a link). JSON output is unchanged by it (its
 * encoder escapes the C0 controls) but for the C1 and bidirectional ones, which no legitimate value holds.
 */
final class TerminalSafeWriter extends FilterWriter {

    TerminalSafeWriter(Writer out) {
        super(out);
    }

    /** A print writer onto {@code stream} in the platform's console encoding, flushed at each line. */
    static PrintWriter around(OutputStream stream) {
        String encoding = System.getProperty("stdout.encoding",
            System.getProperty("sun.stdout.encoding", Charset.defaultCharset().name()));
        return new PrintWriter(new TerminalSafeWriter(new OutputStreamWriter(stream, Charset.forName(encoding))), true);
    }

    static char safe(char c) {
        return c == '\n' || c == '\t' || !ControlCharacters.isControl(c) ? c : ControlCharacters.REPLACEMENT;
    }

    @Override
    public void write(int c) throws IOException {
        out.write(safe((char) c));
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        char[] copy = new char[len];
        for (int i = 0; i < len; i++) {
            copy[i] = safe(chars[off + i]);
        }
        out.write(copy, 0, len);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        write(s.toCharArray(), off, len);
    }
}

package io.tlsrpt.processor.decode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a multipart body (RFC 2046 section 5.1.1) into the slices of its body parts, without copying.
 * A delimiter is "--" + boundary at the start of a line, followed by blanks (transport padding) and a line
 * break, or by "--" for the close delimiter; the line break before it belongs to the delimiter. The preamble
 * (before the first delimiter) and the epilogue (after the close delimiter) are skipped. As Jakarta Mail does
 * with {@code ignoremissingendboundary} and {@code ignoremissingboundaryparameter}: without a close delimiter
 * the last part runs to the end of the data, and without a boundary parameter the first line starting with
 * "--" is the delimiter.
 */
final class MimeMultipart {

    /**
     * One body part: {@code [start, end)} of the mail's array; {@code closed} when a delimiter ended it, false
     * for a last part that ran into the end of the data.
     */
    record Slice(int start, int end, boolean closed) {
    }

    private MimeMultipart() {
    }

    /** The parts; at most {@code maxParts}, else the mail is rejected as {@link RejectReason#MIME_LIMIT}. */
    static List<Slice> split(byte[] data, int from, int to, String boundary, int maxParts) throws DecodeFailure {
        byte[] delimiter = boundary == null ? null : ("--" + boundary).getBytes(StandardCharsets.UTF_8);
        int partStart = -1;
        int pos = from;
        while (pos < to) {
            int lineEnd = MimeHeaders.lineEnd(data, pos, to);
            int next = MimeHeaders.afterLineBreak(data, lineEnd, to);
            int trimmed = lineEnd;
            while (trimmed > pos && (data[trimmed - 1] == ' ' || data[trimmed - 1] == '\t')) {
                trimmed--;
            }
            if (delimiter == null) {
                if (looksLikeDelimiter(data, pos, trimmed)) {
                    delimiter = Arrays.copyOfRange(data, pos, trimmed);
                    partStart = next;
                    break;
                }
            } else if (trimmed - pos == delimiter.length && startsWith(data, pos, to, delimiter)) {
                partStart = next;
                break;
            } else if (trimmed - pos == delimiter.length + 2 && startsWith(data, pos, to, delimiter)
                && data[trimmed - 1] == '-' && data[trimmed - 2] == '-') {
                return List.of();  // a close delimiter before any part: an empty multipart
            }
            pos = next;
        }
        List<Slice> parts = new ArrayList<>();
        if (partStart < 0) {
            return parts;  // no delimiter at all: no parts (Jakarta Mail's mail.mime.multipart.allowempty)
        }
        while (true) {
            if (parts.size() == maxParts) {
                throw new DecodeFailure(RejectReason.MIME_LIMIT, "a multipart has more than " + maxParts + " parts ("
                    + DecoderLimits.MAX_MIME_PARTS + ")");
            }
            int at = findDelimiter(data, partStart, to, delimiter);
            if (at < 0) {
                parts.add(new Slice(partStart, to, false));
                return parts;
            }
            parts.add(new Slice(partStart, beforeLineBreak(data, partStart, at), true));
            int after = at + delimiter.length;
            if (isClose(data, after, to)) {
                return parts;
            }
            partStart = MimeHeaders.afterLineBreak(data, MimeHeaders.lineEnd(data, after, to), to);
        }
    }

    /** The first line starting with "--" that is not a line of dashes (a boundary parameter was missing). */
    private static boolean looksLikeDelimiter(byte[] data, int from, int to) {
        int length = to - from;
        if (length <= 2 || data[from] != '-' || data[from + 1] != '-') {
            return false;
        }
        if (length <= 4) {
            return true;
        }
        for (int i = from; i < to; i++) {
            if (data[i] != '-') {
                return true;
            }
        }
        return false;
    }

    /** The start of the next delimiter line at or after {@code from}, or -1. */
    private static int findDelimiter(byte[] data, int from, int to, byte[] delimiter) {
        int lineStart = from;
        while (lineStart < to) {
            if (startsWith(data, lineStart, to, delimiter)) {
                int after = lineStart + delimiter.length;
                if (isClose(data, after, to)) {
                    return lineStart;
                }
                int i = after;
                while (i < to && (data[i] == ' ' || data[i] == '\t')) {
                    i++;
                }
                if (i == to || data[i] == '\r' || data[i] == '\n') {
                    return lineStart;
                }
                // "--boundary" followed by more text is an ordinary line
            }
            int lineEnd = MimeHeaders.lineEnd(data, lineStart, to);
            if (lineEnd == to) {
                return -1;
            }
            lineStart = MimeHeaders.afterLineBreak(data, lineEnd, to);
        }
        return -1;
    }

    private static boolean isClose(byte[] data, int after, int to) {
        return after + 1 < to && data[after] == '-' && data[after + 1] == '-';
    }

    /** {@code at} without the line break right before it (which belongs to the delimiter). */
    private static int beforeLineBreak(byte[] data, int partStart, int at) {
        int end = at;
        if (end > partStart && data[end - 1] == '\n') {
            end--;
            if (end > partStart && data[end - 1] == '\r') {
                end--;
            }
        } else if (end > partStart && data[end - 1] == '\r') {
            end--;
        }
        return end;
    }

    private static boolean startsWith(byte[] data, int pos, int to, byte[] prefix) {
        if (to - pos < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

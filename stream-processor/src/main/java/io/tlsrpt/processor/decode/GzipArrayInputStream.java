package io.tlsrpt.processor.decode;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * gzip (RFC 1952) read from bytes already in memory - a mail attachment after base64, an HTTPS body - with the
 * decoder's reusable {@link Inflater} ({@link InflaterPool}) fed the array in place: no input buffer, no copy,
 * no per-call Inflater. Behaves as {@code GZIPInputStream} over a {@code ByteArrayInputStream} of the same bytes:
 * the same exceptions with the same messages (so the same rejection reasons), header CRC, trailer CRC-32 and
 * size checks, concatenated members, and trailing bytes that do not start a valid member ignored. (The JDK looks
 * for a next member only when more than 18 bytes follow the trailer - no complete member is shorter - as it does
 * when the data fit its buffer; it then reads the next header, and ignores what is no valid header.)
 * {@link #getAsLong()} is the compressed bytes consumed so far, over every member, for the ratio check (whose output
 * count runs over every member too).
 * {@link #close()} gives the Inflater back; not thread-safe (one stream per decode).
 */
final class GzipArrayInputStream extends InputStream implements LongSupplier {

    private static final int GZIP_MAGIC = 0x8b1f;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    /** Bytes after a trailer beyond which the JDK looks for a next member: a header (10) plus a trailer (8). */
    private static final int MEMBER_MIN = 18;

    private final byte[] data;
    private final int end;
    private final InflaterPool inflaters;
    private final CRC32 crc = new CRC32();
    private Inflater inflater;
    /** Compressed bytes of the members before the current one. */
    private long earlierMembers;
    private boolean eos;
    private byte[] single;

    /** Reads the first member's header at {@code data[from]}; the data runs to {@code to}. */
    GzipArrayInputStream(byte[] data, int from, int to, InflaterPool inflaters) throws IOException {
        Objects.checkFromToIndex(from, to, data.length);
        this.data = data;
        this.end = to;
        this.inflaters = inflaters;
        int body = readHeader(from);  // before borrowing: a bad header leaves nothing to give back
        this.inflater = inflaters.borrow();
        inflater.setInput(data, body, end - body);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (inflater == null) {
            throw new IOException("Stream closed");
        }
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return eos ? -1 : 0;
        }
        while (!eos) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                String message = e.getMessage();
                throw new ZipException(message != null ? message : "Invalid ZLIB data format");
            }
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished() || inflater.needsDictionary()) {
                eos = readTrailer();
            } else if (inflater.needsInput()) {
                throw new EOFException("Unexpected end of ZLIB input stream");
            }
        }
        return -1;
    }

    @Override
    public int read() throws IOException {
        if (single == null) {
            single = new byte[1];
        }
        return read(single, 0, 1) == -1 ? -1 : single[0] & 0xff;
    }

    @Override
    public long getAsLong() {
        return earlierMembers + (inflater == null ? 0 : inflater.getBytesRead());
    }

    @Override
    public void close() {
        if (inflater != null) {
            Inflater lent = inflater;
            inflater = null;
            eos = true;
            inflaters.giveBack(lent);
        }
    }

    /** Checks the member's trailer; true at the end of the data, false when a next member's header was read. */
    private boolean readTrailer() throws IOException {
        int at = end - inflater.getRemaining();
        // left to right as the JDK: a wrong CRC is reported before a truncated size
        if (readUInt(at) != crc.getValue() || readUInt(at + 4) != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("Corrupt GZIP trailer");
        }
        int next = at + 8;
        if (end - next <= MEMBER_MIN) {
            return true;
        }
        int body;
        try {
            body = readHeader(next);
        } catch (IOException notAMember) {
            return true;  // trailing garbage is ignored, as GZIPInputStream does
        }
        earlierMembers += inflater.getBytesRead();
        inflater.reset();
        crc.reset();
        inflater.setInput(data, body, end - body);
        return false;
    }

    /** Checks a member header at {@code pos}; returns where its deflate data starts. */
    private int readHeader(int pos) throws IOException {
        int start = pos;
        if (readUShort(pos) != GZIP_MAGIC) {
            throw new ZipException("Not in GZIP format");
        }
        if (readUByte(pos + 2) != 8) {
            throw new ZipException("Unsupported compression method");
        }
        int flags = readUByte(pos + 3);
        pos += 4;
        pos = skip(pos, 6);  // MTIME, XFL, OS
        if ((flags & FEXTRA) == FEXTRA) {
            int length = readUShort(pos);
            pos = skip(pos + 2, length);
        }
        if ((flags & FNAME) == FNAME) {
            while (readUByte(pos++) != 0) {
                // the file name, up to its NUL
            }
        }
        if ((flags & FCOMMENT) == FCOMMENT) {
            while (readUByte(pos++) != 0) {
                // the comment, up to its NUL
            }
        }
        if ((flags & FHCRC) == FHCRC) {
            crc.reset();
            crc.update(data, start, pos - start);
            int expected = (int) crc.getValue() & 0xffff;
            if (readUShort(pos) != expected) {
                throw new ZipException("Corrupt GZIP header");
            }
            pos += 2;
        }
        crc.reset();
        return pos;
    }

    private int skip(int pos, int count) throws EOFException {
        if (count > end - pos) {
            throw new EOFException();
        }
        return pos + count;
    }

    private int readUByte(int pos) throws EOFException {
        if (pos >= end) {
            throw new EOFException();
        }
        return data[pos] & 0xff;
    }

    private int readUShort(int pos) throws EOFException {
        int low = readUByte(pos);
        return readUByte(pos + 1) << 8 | low;
    }

    private long readUInt(int pos) throws EOFException {
        long low = readUShort(pos);
        return (long) readUShort(pos + 2) << 16 | low;
    }
}

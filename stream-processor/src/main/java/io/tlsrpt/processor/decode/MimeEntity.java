package io.tlsrpt.processor.decode;

import java.util.List;

/**
 * A mail or one of its body parts (RFC 2045), read in place from the mail's array: its header block and the
 * slice its body occupies. What the decoder asks of a part: its media type (text/plain when none is given),
 * its file name, its body with the transfer encoding undone, its parts (multipart) or its mail
 * (message/rfc822).
 */
final class MimeEntity {

    private static final String DEFAULT_TYPE = "text/plain";

    private final byte[] data;
    private final MimeHeaders headers;
    private final int bodyEnd;
    private MimeParameters contentType;

    private MimeEntity(byte[] data, MimeHeaders headers, int bodyEnd) {
        this.data = data;
        this.headers = headers;
        this.bodyEnd = bodyEnd;
    }

    /** The entity at {@code data[start, end)}: a header block, an empty line, a body. */
    static MimeEntity parse(byte[] data, int start, int end) throws DecodeFailure {
        return new MimeEntity(data, MimeHeaders.parse(data, start, end), end);
    }

    MimeHeaders headers() {
        return headers;
    }

    /** The Content-Type, parsed; {@code text/plain} when there is none. */
    MimeParameters contentType() throws DecodeFailure {
        if (contentType == null) {
            String header = headers.first("Content-Type");
            contentType = MimeParameters.parse(header == null ? DEFAULT_TYPE : header);
        }
        return contentType;
    }

    /** {@code type/subtype} in lower case. */
    String baseType() throws DecodeFailure {
        return contentType().value();
    }

    boolean isMultipart() throws DecodeFailure {
        return baseType().startsWith("multipart/");
    }

    boolean isMessage() throws DecodeFailure {
        return baseType().equals("message/rfc822");
    }

    /**
     * The file name: Content-Disposition's filename, else Content-Type's name (both RFC 2231-decoded), with
     * RFC 2047 encoded words decoded (senders put them there against the RFCs) and trimmed; null when none.
     */
    String fileName() throws DecodeFailure {
        String name = null;
        String disposition = headers.first("Content-Disposition");
        if (disposition != null) {
            name = MimeParameters.parse(disposition).get("filename");
        }
        if (name == null) {
            name = contentType().get("name");
        }
        return name == null ? null : EncodedWords.decode(name).trim();
    }

    /** The body with its Content-Transfer-Encoding undone. */
    TransferDecoding.Body body() throws DecodeFailure {
        return TransferDecoding.decode(data, headers.bodyStart(), bodyEnd, headers.first("Content-Transfer-Encoding"));
    }

    /** The body parts of a multipart entity, at most {@code maxParts}. */
    List<MimeEntity> parts(int maxParts) throws DecodeFailure {
        List<MimeMultipart.Slice> slices = MimeMultipart.split(data, headers.bodyStart(), bodyEnd,
            contentType().get("boundary"), maxParts);
        List<MimeEntity> parts = new java.util.ArrayList<>(slices.size());
        for (MimeMultipart.Slice slice : slices) {
            MimeEntity part = parse(data, slice.start(), slice.end());
            // a last part cut off inside its header block is no part (as Jakarta Mail drops it)
            if (slice.closed() || part.headers.terminated()) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** The mail a message/rfc822 entity carries. */
    MimeEntity message() throws DecodeFailure {
        TransferDecoding.Body body = body();
        return parse(body.array(), body.offset(), body.offset() + body.length());
    }
}

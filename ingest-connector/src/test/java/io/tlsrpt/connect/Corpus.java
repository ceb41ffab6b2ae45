package io.tlsrpt.connect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Real sample reports (copied from ../shared/corpus/real) and distinct, still real, payloads built from them. */
public final class Corpus {
    public static final List<String> JSON = List.of("rfc8460-appendix-b.json", "microsoft-2025-05-23-tlsa-double-encoded.json",
            "microsoft-2025-06-14-no-ip-no-mx.json", "contact-info-null.json", "synthetic-unknown-policy-type-no-domain.json");
    public static final List<String> MAILS = List.of("google-2024-09-15.eml", "microsoft-2024-09-13-sts-tlsa.eml",
            "mailru-2023-01-25.eml");

    private Corpus() {
    }

    public static byte[] read(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream("/corpus/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The i-th real report, gzipped as senders send application/tlsrpt+gzip; the gzip header's MTIME field is set to
     * i so that every payload (and so every record key) is distinct while the report inside is unchanged.
     */
    public static byte[] gzippedReport(int i) {
        byte[] json = read(JSON.get(i % JSON.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        bytes[4] = (byte) i;
        bytes[5] = (byte) (i >>> 8);
        bytes[6] = (byte) (i >>> 16);
        bytes[7] = (byte) (i >>> 24);
        return bytes;
    }
}

package io.tlsrpt.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.GeneratorSettings;
import io.tlsrpt.generate.InputKind;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.processor.decode.DecodeHints;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The input shapes the decode benchmark measures, each as the exact bytes a receiver sees plus the report payload
 * it carries (what the floor parses: the gzip attachment of a mail, or the body itself).
 *
 * <p>Mails and bare JSON come from the project's generator (default seed), so they look like the real senders';
 * the large report is built here because no real sender shape has 1,000 failure details.
 */
public enum InputShape {
    /** A Google-style mail with a gzip JSON attachment (one sts policy). */
    GOOGLE_GZIP_MAIL,
    /** A Microsoft-style mail whose report has a tlsa policy (double-encoded TLSA policy strings). */
    MICROSOFT_TLSA_MAIL,
    /** A bare JSON report as POSTed by smtp-tls-reporting (Postfix). */
    BARE_JSON,
    /** A gzip JSON report with one policy and 1,000 failure details. */
    LARGE_1000_FAILURES_GZIP;

    /** Failure details in {@link #LARGE_1000_FAILURES_GZIP}. */
    public static final int LARGE_FAILURE_DETAILS = 1_000;

    /** The bytes of one input of this shape and what the floor parses. */
    public record Sample(byte[] raw, byte[] payload, boolean payloadGzip, DecodeHints hints) {
    }

    /** Builds the sample; deterministic. */
    public Sample sample() {
        return switch (this) {
            case GOOGLE_GZIP_MAIL -> mailSample(first(InputKind.GOOGLE_MAIL, false));
            case MICROSOFT_TLSA_MAIL -> mailSample(first(InputKind.MICROSOFT_MAIL, true));
            case BARE_JSON -> {
                GeneratedInput in = first(InputKind.HTTPS_JSON, false);
                yield new Sample(in.bytes(), in.bytes(), false, hints(in.contentType(), in.fileName()));
            }
            case LARGE_1000_FAILURES_GZIP -> {
                byte[] gz = gzip(largeReport(LARGE_FAILURE_DETAILS));
                yield new Sample(gz, gz, true, hints("application/tlsrpt+gzip", "large.json.gz"));
            }
        };
    }

    private static DecodeHints hints(String contentType, String fileName) {
        return new DecodeHints(contentType, fileName, "https", Instant.parse("2025-01-02T08:00:00Z"), "127.0.0.1",
            null);
    }

    /** The first generated input of a kind (with a tlsa policy when asked). */
    private static GeneratedInput first(InputKind kind, boolean withTlsa) {
        Iterator<GeneratedInput> it = new ReportGenerator(GeneratorSettings.defaults().withDomains(50).withDays(1))
            .iterator();
        while (it.hasNext()) {
            GeneratedInput in = it.next();
            if (in.kind() == kind && (!withTlsa
                || in.expected().policies().stream().anyMatch(p -> "tlsa".equals(p.type())))) {
                return in;
            }
        }
        throw new IllegalStateException("the generator yielded no " + kind + (withTlsa ? " with tlsa" : ""));
    }

    private static Sample mailSample(GeneratedInput mail) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mail.bytes()));
            Part report = reportPart(message);
            if (report == null) {
                throw new IllegalStateException("generated mail " + mail.fileName() + " has no report attachment");
            }
            byte[] payload;
            try (InputStream in = report.getInputStream()) {
                payload = in.readAllBytes();
            }
            boolean gzip = payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b;
            return new Sample(mail.bytes(), payload, gzip, hints(mail.contentType(), mail.fileName()));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read generated mail " + mail.fileName(), e);
        }
    }

    private static Part reportPart(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                Part found = reportPart(child);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        String type = part.getContentType().toLowerCase(java.util.Locale.ROOT);
        String name = part.getFileName();
        return type.contains("tlsrpt") || type.contains("gzip") || type.contains("json")
            || (name != null && (name.endsWith(".gz") || name.endsWith(".json"))) ? part : null;
    }

    /** An RFC 8460 report with one sts policy and {@code details} distinct failure details. */
    static byte[] largeReport(int details) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("organization-name", "Large Reporter Inc.");
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", "2025-01-01T00:00:00Z");
        range.put("end-datetime", "2025-01-01T23:59:59Z");
        root.put("contact-info", "tlsrpt@large-reporter.example");
        root.put("report-id", "2025-01-01T00:00:00Z_large.example");
        ObjectNode entry = root.putArray("policies").addObject();
        ObjectNode policy = entry.putObject("policy");
        policy.put("policy-type", "sts");
        policy.putArray("policy-string").add("version: STSv1").add("mode: enforce").add("mx: *.large.example")
            .add("max_age: 604800");
        policy.put("policy-domain", "large.example");
        policy.putArray("mx-host").add("*.large.example");
        ObjectNode summary = entry.putObject("summary");
        summary.put("total-successful-session-count", 1_500_000);
        summary.put("total-failure-session-count", details * 3L);
        ArrayNode failures = entry.putArray("failure-details");
        String[] types = {"certificate-expired", "starttls-not-supported", "validation-failure",
            "certificate-host-mismatch"};
        for (int i = 0; i < details; i++) {
            ObjectNode d = failures.addObject();
            d.put("result-type", types[i % types.length]);
            d.put("sending-mta-ip", "198.51." + (i / 250) + "." + (i % 250 + 1));
            d.put("receiving-mx-hostname", "mx" + (i % 4 + 1) + ".large.example");
            d.put("receiving-ip", "203.0.113." + (i % 200 + 1));
            d.put("failed-session-count", 3);
            if (i % 4 == 2) {
                d.put("failure-reason-code", "X509_V_ERR_CERT_UNTRUSTED");
            }
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

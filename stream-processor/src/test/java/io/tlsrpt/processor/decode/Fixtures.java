package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds test inputs: a well-formed report to bend, gzip and zip wrappers, and report mails. */
final class Fixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** A report without any deviation; tests change one thing at a time. */
    static final String BASE_REPORT = """
        {
          "organization-name": "Reporter Inc.",
          "date-range": {"start-datetime": "2024-03-01T00:00:00Z", "end-datetime": "2024-03-01T23:59:59Z"},
          "contact-info": "tlsrpt@reporter.example",
          "report-id": "2024-03-01_example.com@reporter.example",
          "policies": [{
            "policy": {
              "policy-type": "sts",
              "policy-string": ["version: STSv1", "mode: enforce", "mx: mx.example.com", "max_age: 86400"],
              "policy-domain": "example.com",
              "mx-host": ["mx.example.com"]
            },
            "summary": {"total-successful-session-count": 90, "total-failure-session-count": 10},
            "failure-details": [{
              "result-type": "certificate-expired",
              "sending-mta-ip": "192.0.2.1",
              "receiving-mx-hostname": "mx.example.com",
              "receiving-ip": "198.51.100.7",
              "failed-session-count": 10
            }]
          }]
        }
        """;

    private Fixtures() {
    }

    static ObjectNode base() {
        try {
            return (ObjectNode) MAPPER.readTree(BASE_REPORT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base report with one change applied. */
    static byte[] report(Consumer<ObjectNode> change) {
        ObjectNode report = base();
        change.accept(report);
        return bytes(report);
    }

    static byte[] baseReport() {
        return bytes(base());
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode policyEntry(ObjectNode report) {
        return (ObjectNode) report.get("policies").get(0);
    }

    static ObjectNode policy(ObjectNode report) {
        return (ObjectNode) policyEntry(report).get("policy");
    }

    static ObjectNode detail(ObjectNode report) {
        return (ObjectNode) policyEntry(report).get("failure-details").get(0);
    }

    static ArrayNode details(ObjectNode report) {
        return (ArrayNode) policyEntry(report).get("failure-details");
    }

    static ObjectNode dateRange(ObjectNode report) {
        return (ObjectNode) report.get("date-range");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    /** A zip with the given entries (name -> content), in order. */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A new report mail builder, well-formed by default (RFC 8460 section 5.3). */
    static MailBuilder mail() {
        return new MailBuilder();
    }

    /** Writes RFC 5322 mails by hand so that tests control every byte that real senders get wrong. */
    static final class MailBuilder {
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String contentType = "multipart/report; report-type=tlsrpt; boundary=\"%s\"";
        private final List<String> parts = new ArrayList<>();
        private String boundary = "==boundary-1==";

        MailBuilder() {
            headers.put("DKIM-Signature", "v=1; a=rsa-sha256; d=reporter.example; s=s1;\r\n h=from:to:subject:date:"
                + "tls-report-domain:tls-report-submitter:message-id; bh=abc=; b=def=");
            headers.put("From", "TLS reporter <noreply@reporter.example>");
            headers.put("To", "tlsrpt@example.com");
            headers.put("Date", "Sat, 02 Mar 2024 01:02:03 +0000");
            headers.put("Subject", "Report Domain: example.com Submitter: reporter.example Report-ID: "
                + "<2024-03-01_example.com@reporter.example>");
            headers.put("Message-ID", "<msg-1@reporter.example>");
            headers.put("TLS-Report-Domain", "example.com");
            headers.put("TLS-Report-Submitter", "reporter.example");
            headers.put("MIME-Version", "1.0");
        }

        MailBuilder header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        MailBuilder contentType(String typeWithBoundaryPlaceholder) {
            this.contentType = typeWithBoundaryPlaceholder;
            return this;
        }

        MailBuilder boundary(String value) {
            this.boundary = value;
            return this;
        }

        MailBuilder humanText() {
            return part("text/plain; charset=us-ascii", null, "7bit", utf8("This is an aggregate TLS report.\r\n"));
        }

        MailBuilder humanHtml() {
            return part("text/html; charset=us-ascii", null, "7bit",
                utf8("<html><body>This is an aggregate TLS report.</body></html>\r\n"));
        }

        /** The standard report attachment: gzip, base64. */
        MailBuilder gzipReport(byte[] json) {
            return part("application/tlsrpt+gzip", "reporter.example!example.com!1709251200!1709337599.json.gz",
                "base64", gzip(json));
        }

        MailBuilder jsonReport(byte[] json) {
            return part("application/tlsrpt+json", "reporter.example!example.com!1709251200!1709337599.json",
                "base64", json);
        }

        /** A part with the given type, optional file name, transfer encoding (base64, quoted-printable, 7bit). */
        MailBuilder part(String type, String fileName, String encoding, byte[] body) {
            StringBuilder part = new StringBuilder();
            part.append("Content-Type: ").append(type);
            if (fileName != null) {
                part.append(";\r\n\tname=\"").append(fileName).append('"');
            }
            part.append("\r\n");
            if (fileName != null) {
                part.append("Content-Disposition: attachment;\r\n\tfilename=\"").append(fileName).append("\"\r\n");
            }
            part.append("Content-Transfer-Encoding: ").append(encoding).append("\r\n\r\n");
            part.append(encode(body, encoding));
            parts.add(part.toString());
            return this;
        }

        /** A raw part text (headers, blank line, body) inserted as is. */
        MailBuilder rawPart(String text) {
            parts.add(text);
            return this;
        }

        String build() {
            StringBuilder mail = new StringBuilder();
            headers.forEach((name, value) -> mail.append(name).append(": ").append(value).append("\r\n"));
            mail.append("Content-Type: ").append(String.format(contentType, boundary)).append("\r\n\r\n");
            if (contentType.regionMatches(true, 0, "multipart/", 0, 10)) {
                mail.append("This is a multi-part message in MIME format.\r\n");
                for (String part : parts) {
                    mail.append("\r\n--").append(boundary).append("\r\n").append(part);
                }
                mail.append("\r\n--").append(boundary).append("--\r\n");
            } else {
                mail.append(parts.get(0));
            }
            return mail.toString();
        }

        byte[] bytes() {
            return build().getBytes(StandardCharsets.UTF_8);
        }

        static String encode(byte[] body, String encoding) {
            switch (encoding.toLowerCase(java.util.Locale.ROOT)) {
                case "base64":
                    return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(body) + "\r\n";
                case "quoted-printable":
                    return quotedPrintable(body);
                default:
                    return new String(body, StandardCharsets.UTF_8);
            }
        }

        private static String quotedPrintable(byte[] body) {
            StringBuilder out = new StringBuilder();
            int lineLength = 0;
            for (byte value : body) {
                int b = value & 0xff;
                String token = (b >= 33 && b <= 126 && b != '=') || b == ' ' ? String.valueOf((char) b)
                    : String.format("=%02X", b);
                if (lineLength + token.length() > 72) {
                    out.append("=\r\n");
                    lineLength = 0;
                }
                out.append(token);
                lineLength += token.length();
            }
            return out.append("\r\n").toString();
        }
    }
}

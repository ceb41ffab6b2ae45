package io.tlsrpt.notify;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/alertmanager/alertmanager.yml made deliverable in a test: its SMTP relay and its paging webhook pointed at
 * local servers (no TLS there) and its group waits and intervals shortened, so that a notification comes in seconds.
 * The routes, receivers, recipients and templates are the example's own, unchanged.
 */
final class ExampleRoute {

    /** The example configuration, as every test of its routes reads it. */
    static final Path EXAMPLE = Path.of("..", "deploy", "alertmanager", "alertmanager.yml");
    static final String ONCALL = "postmaster-oncall@example.org";

    private static final Pattern SMARTHOST = Pattern.compile("(?m)^(\\s+)smarthost: \\S+$");
    private static final Pattern PAGER_URL = Pattern.compile("(?m)^(\\s+- url: )http://127\\.0\\.0\\.1:9099/page$");
    private static final Pattern GROUP_TIMING = Pattern.compile("(?m)^(\\s+)(group_wait|group_interval): \\S+$");

    private ExampleRoute() {
    }

    /**
     * Writes the example, relayed through 127.0.0.1:{@code smtpPort} and paging {@code pager}, to {@code dir};
     * returns the file.
     */
    static Path deliveringTo(int smtpPort, URI pager, Path dir) throws IOException {
        String example = Files.readString(EXAMPLE);
        Matcher relay = SMARTHOST.matcher(example);
        if (!relay.find()) {
            throw new IllegalStateException(EXAMPLE + " has no smarthost: this test checks its mail receiver");
        }
        String relayed = relay.replaceAll("$1smarthost: 127.0.0.1:" + smtpPort + "\n$1require_tls: false");
        Matcher paging = PAGER_URL.matcher(relayed);
        if (!paging.find()) {
            throw new IllegalStateException(EXAMPLE + " has no paging webhook at 127.0.0.1:9099: this test checks it");
        }
        relayed = paging.replaceAll("$1" + pager);
        Matcher timing = GROUP_TIMING.matcher(relayed);
        if (!timing.find()) {
            throw new IllegalStateException(EXAMPLE + " sets no group_wait or group_interval to shorten");
        }
        // seconds, not the example's minutes; the group_wait of 2s still lets one reporter's alerts, posted
        // together, make one notification
        String quick = timing.replaceAll("$1$2: 2s");
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, quick);
        return file;
    }

    /** Whether a mail, or any part of it, is of this MIME type. */
    static boolean hasPart(Part part, String mimeType) throws MessagingException, IOException {
        if (part.isMimeType(mimeType)) {
            return true;
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                if (hasPart(multipart.getBodyPart(i), mimeType)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The text/plain part of a mail (Alertmanager sends text and HTML as multipart/alternative), decoded. */
    static String plainText(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String text = plainText(child);
                if (!text.isEmpty()) {
                    return text;
                }
            }
        }
        return "";
    }
}

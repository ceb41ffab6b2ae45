package io.tlsrpt.cli.digest;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Sends a digest by SMTP: one mail per tenant, {@code multipart/alternative} with the Markdown as its plain text and
 * the HTML page, marked {@code Auto-Submitted: auto-generated} (RFC 3834) so that no vacation responder answers it.
 *
 * <p>Configured by a properties file: {@code from} (required), {@code user} and {@code password.file} for SMTP
 * authentication (the password never on a command line), and any Jakarta Mail {@code mail.*} key as is, e.g.
 * {@code mail.smtp.host} (required), {@code mail.smtp.port}, {@code mail.smtp.starttls.enable} and
 * {@code mail.smtp.starttls.required}, {@code mail.smtp.ssl.enable}, {@code mail.smtp.ssl.trust},
 * {@code mail.smtp.connectiontimeout} and {@code mail.smtp.timeout} (both 30 s unless set).
 */
final class DigestMailer {

    private final Session session;
    private final InternetAddress from;

    private DigestMailer(Session session, InternetAddress from) {
        this.session = session;
        this.from = from;
    }

    /**
     * The mailer the file configures.
     *
     * @throws IllegalArgumentException naming the key, for a missing {@code from} or {@code mail.smtp.host}, a bad
     *                                  address, {@code user} without {@code password.file} or an unreadable one
     */
    static DigestMailer configured(Path file) throws IOException {
        Properties config = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            config.load(in);
        }
        Properties mail = new Properties();
        mail.setProperty("mail.smtp.connectiontimeout", "30000");
        mail.setProperty("mail.smtp.timeout", "30000");
        mail.setProperty("mail.smtp.writetimeout", "30000");
        for (String key : config.stringPropertyNames()) {
            if (key.startsWith("mail.")) {
                mail.setProperty(key, config.getProperty(key).strip());
            } else if (!key.equals("from") && !key.equals("user") && !key.equals("password.file")) {
                throw new IllegalArgumentException(file + ": unknown key " + key + " (from, user, password.file and "
                    + "mail.* keys)");
            }
        }
        if (mail.getProperty("mail.smtp.host", "").isBlank()) {
            throw new IllegalArgumentException(file + ": mail.smtp.host is required");
        }
        String fromText = config.getProperty("from", "").strip();
        if (fromText.isEmpty()) {
            throw new IllegalArgumentException(file + ": from is required (the digests' sender address)");
        }
        InternetAddress from;
        try {
            from = new InternetAddress(fromText, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException(file + ": from: " + e.getMessage(), e);
        }
        String user = config.getProperty("user", "").strip();
        Authenticator authenticator = null;
        if (!user.isEmpty()) {
            String passwordFile = config.getProperty("password.file", "").strip();
            if (passwordFile.isEmpty()) {
                throw new IllegalArgumentException(file + ": user needs password.file (a file holding the password)");
            }
            Path passwordPath = file.toAbsolutePath().getParent().resolve(passwordFile);
            String password;
            try {
                password = Files.readString(passwordPath, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": password.file " + passwordPath + " cannot be read: " + e,
                    e);
            }
            mail.setProperty("mail.smtp.auth", "true");
            mail.setProperty("mail.smtps.auth", "true");
            PasswordAuthentication credentials = new PasswordAuthentication(user, password);
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return credentials;
                }
            };
        }
        return new DigestMailer(Session.getInstance(mail, authenticator), from);
    }

    /** Sends {@code digest} to {@code to}; returns once the SMTP server has accepted it. */
    void send(Digest digest, List<InternetAddress> to) throws MessagingException {
        Transport.send(message(digest, to));
    }

    /** The mail {@link #send} sends. */
    MimeMessage message(Digest digest, List<InternetAddress> to) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
        message.setSubject(DigestText.title(digest), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setHeader("Auto-Submitted", "auto-generated");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(rendered(digest, false), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(rendered(digest, true), StandardCharsets.UTF_8.name(), "html");
        // the last alternative is the preferred one (RFC 2046): the page where it can be shown
        MimeMultipart alternatives = new MimeMultipart("alternative", text, html);
        message.setContent(alternatives);
        message.saveChanges();
        return message;
    }

    private static String rendered(Digest digest, boolean html) {
        StringWriter out = new StringWriter();
        if (html) {
            DigestHtml.print(digest, new PrintWriter(out));
        } else {
            DigestMarkdown.print(digest, new PrintWriter(out));
        }
        return out.toString();
    }
}

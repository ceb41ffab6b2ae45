package io.tlsrpt.cli.digest;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
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
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a digest by SMTP: one mail per tenant, {@code multipart/alternative} with the Markdown as its plain text and
 * the HTML page, marked {@code Auto-Submitted: auto-generated} (RFC 3834) so that no vacation responder answers it.
 *
 * <p>Configured by a properties file: {@code from} (required), {@code user} and {@code password.file} for SMTP
 * authentication (the password never on a command line), or {@code auth.mechanism=xoauth2} and the {@code oauth.*}
 * keys for OAuth 2.0 access tokens ({@link SmtpLogin}), and any Jakarta Mail {@code mail.*} key as is, e.g.
 * {@code mail.smtp.host} (required), {@code mail.smtp.port}, {@code mail.smtp.starttls.enable} and
 * {@code mail.smtp.starttls.required}, {@code mail.smtp.ssl.enable}, {@code mail.smtp.ssl.trust},
 * {@code mail.smtp.connectiontimeout} and {@code mail.smtp.timeout} (both 30 s unless set); {@code retries} (2 unless
 * set) and {@code retry.delay} (an ISO-8601 duration, PT30S unless set) for transient refusals.
 *
 * <p>A run's mails share one SMTP connection, opened at the first and again when the server has closed it (many close
 * after some number of mails). A transient refusal (a 4xx reply such as {@code 421} or {@code 451}, a connection lost
 * or refused) is tried again after {@code retry.delay}, once the others of the round are sent, on a new connection,
 * up to {@code retries} times; a permanent
 * one (5xx, failed authentication) is not.
 */
final class DigestMailer implements AutoCloseable {

    static final int DEFAULT_RETRIES = 2;
    static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DigestMailer.class);

    private final Session session;
    private final SmtpLogin login;
    private final InternetAddress from;
    private final int retries;
    private final Duration retryDelay;
    /** The run's connection; null until the first mail, or after one was lost. */
    private Transport transport;

    private DigestMailer(Session session, SmtpLogin login, InternetAddress from, int retries, Duration retryDelay) {
        this.session = session;
        this.login = login;
        this.from = from;
        this.retries = retries;
        this.retryDelay = retryDelay;
    }

    /**
     * The mailer the file configures.
     *
     * @throws IllegalArgumentException naming the key, for a missing {@code from} or {@code mail.smtp.host}, a bad
     *                                  address, {@code user} without {@code password.file} or an unreadable one, an
     *                                  OAuth login without its token endpoint or file
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
            } else if (!OWN_KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key " + key + " (" + String.join(", ", OWN_KEYS)
                    + " and mail.* keys)");
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
        SmtpLogin login = SmtpLogin.configured(config, file, mail);
        int retries;
        Duration retryDelay;
        try {
            retries = Integer.parseInt(config.getProperty("retries", Integer.toString(DEFAULT_RETRIES)).strip());
            retryDelay = Duration.parse(config.getProperty("retry.delay", DEFAULT_RETRY_DELAY.toString()).strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(file + ": retries must be a number and retry.delay an ISO-8601 "
                + "duration such as PT30S: " + e.getMessage(), e);
        }
        if (retries < 0 || retries > 10 || retryDelay.isNegative()
                || retryDelay.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(file + ": retries must be 0 to 10 and retry.delay at most PT10M");
        }
        return new DigestMailer(Session.getInstance(mail), login, from, retries, retryDelay);
    }

    private static final List<String> OWN_KEYS = Stream.concat(Stream.of("from", "retries", "retry.delay"),
        SmtpLogin.KEYS.stream()).toList();

    /** One tenant's digest and whom to mail it to. */
    record Mail(String tenant, Digest digest, List<InternetAddress> to) {
    }

    /** What became of each mail, told as soon as it is known. */
    interface Outcomes {

        void accepted(Mail mail);

        /** @param last the refusal: permanent, or the last one of a transient kind once the retries are spent */
        void refused(Mail mail, MessagingException last);
    }

    /**
     * Sends every mail over the run's connection, in rounds: the mails refused for now (a 4xx, a lost connection) are
     * tried again after {@code retry.delay} once the round has gone through the others, so that a tenant refused
     * for now holds up no other, and a relay down for a while costs the run {@code retries} delays, not that many per
     * mail.
     */
    void sendAll(List<Mail> mails, Outcomes outcomes) throws InterruptedException {
        List<Mail> pending = mails;
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round > 0) {
                LOG.warn("the SMTP server refused {} mail(s) for now; trying them again in {} (round {} of {})",
                    pending.size(), retryDelay, round, retries);
                // a backoff: the only condition is time passing, for the relay to recover
                Thread.sleep(retryDelay.toMillis());
            }
            List<Mail> again = new ArrayList<>();
            for (Mail mail : pending) {
                try {
                    send(mail);
                    outcomes.accepted(mail);
                } catch (MessagingException e) {
                    if (isTransient(e) && round < retries) {
                        again.add(mail);
                    } else {
                        outcomes.refused(mail, e);
                    }
                }
            }
            pending = again;
        }
    }

    /** One attempt: returns once the SMTP server has accepted the mail. */
    private void send(Mail mail) throws MessagingException {
        MimeMessage message = message(mail.digest(), mail.to());
        try {
            connected().sendMessage(message, message.getAllRecipients());
        } catch (MessagingException e) {
            if (isTransient(e) || transport != null && !transport.isConnected()) {
                disconnect();   // lost, or the server refused for now: the next mail opens a new connection
            }
            throw e;
        }
    }

    /** Closes the run's connection (QUIT). */
    @Override
    public void close() {
        disconnect();
    }

    private Transport connected() throws MessagingException {
        if (transport == null || !transport.isConnected()) {
            disconnect();
            Transport fresh = session.getTransport();
            login.connect(fresh);
            transport = fresh;
        }
        return transport;
    }

    private void disconnect() {
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                LOG.debug("closing the SMTP connection failed", e);   // it is dropped all the same
            }
            transport = null;
        }
    }

    /**
     * Whether a refusal may pass: a 4xx reply of the server (RFC 5321 4.2.1), or the connection failed or was lost;
     * not a 5xx, a failed authentication or a bad message.
     */
    static boolean isTransient(MessagingException failure) {
        Set<Object> seen = new HashSet<>();
        Deque<Throwable> pending = new ArrayDeque<>(List.of(failure));
        boolean lostConnection = false;
        while (!pending.isEmpty()) {
            Throwable t = pending.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof AuthenticationFailedException) {
                return false;
            }
            int code = t instanceof SMTPSendFailedException sent ? sent.getReturnCode()
                : t instanceof SMTPAddressFailedException address ? address.getReturnCode() : 0;
            if (code >= 500) {
                return false;
            }
            if (code >= 400) {
                return true;
            }
            lostConnection |= t instanceof MailConnectException || t instanceof IOException;
            if (t instanceof MessagingException m && m.getNextException() != null) {
                pending.push(m.getNextException());
            }
            if (t.getCause() != null) {
                pending.push(t.getCause());
            }
        }
        return lostConnection;
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

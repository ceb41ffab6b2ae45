package io.tlsrpt.connect.imap;

import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.oauth.AccessToken;
import io.tlsrpt.oauth.TokenRefusedException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * What the connector's mailbox reader would meet, asked once without changing anything: the access token (when the
 * login takes one), the login, and the folders (read only; none created, no flag set). For an operator setting up a
 * mailbox, before the connector runs: an OAuth login in particular fails in many ways (a secret expired, a
 * permission not granted, the mailbox not shared with the application), each named here.
 */
public final class MailboxCheck {
    private static final Logger log = LoggerFactory.getLogger(MailboxCheck.class);

    /** One step: what was checked, whether it passed, what was found. */
    public record Step(String what, boolean ok, String found) {
    }

    private MailboxCheck() {
    }

    /** The steps, in order, up to the first that failed (a folder missing but created at the start is no failure). */
    public static List<Step> run(TlsRptSourceConfig config) {
        List<Step> steps = new ArrayList<>();
        String server = config.getString(TlsRptSourceConfig.IMAP_HOST) + ":" + config.getInt(TlsRptSourceConfig.IMAP_PORT)
                + " (" + config.getString(TlsRptSourceConfig.IMAP_SECURITY) + ")";
        ImapLogin login;
        try {
            login = ImapLogin.from(config, InstantSource.system());
        } catch (IllegalArgumentException e) {
            steps.add(new Step("configuration", false, e.getMessage()));
            return steps;
        }
        if (login.usesTokens()) {
            try {
                AccessToken token = login.token();
                steps.add(new Step("access token", true, "from the " + login.describeTokens() + ": " + token));
            } catch (TokenRefusedException e) {
                steps.add(new Step("access token", false, "refused: " + e.getMessage()));
                return steps;
            } catch (IOException e) {
                steps.add(new Step("access token", false, "none for now: " + e.getMessage()));
                return steps;
            }
        }
        String user = config.getString(TlsRptSourceConfig.IMAP_USERNAME);
        Store store;
        try {
            store = login.connect(config);
            steps.add(new Step("login", true, user + " at " + server + " with " + login.mechanism()));
        } catch (AuthenticationFailedException e) {
            steps.add(new Step("login", false, user + " at " + server + " refused: " + e.getMessage()));
            return steps;
        } catch (MessagingException | IOException e) {
            steps.add(new Step("login", false, server + ": " + e.getMessage()));
            return steps;
        }
        try {
            Folder inbox = store.getFolder(config.getString(TlsRptSourceConfig.IMAP_FOLDER));
            if (!inbox.exists()) {
                steps.add(new Step("folder " + inbox.getFullName(), false, "does not exist"));
                return steps;
            }
            inbox.open(Folder.READ_ONLY);
            steps.add(new Step("folder " + inbox.getFullName(), true, inbox.getMessageCount()
                    + " messages to read"));
            inbox.close(false);
            for (String key : List.of(TlsRptSourceConfig.IMAP_PROCESSED_FOLDER, TlsRptSourceConfig.IMAP_FAILED_FOLDER)) {
                Folder folder = store.getFolder(config.getString(key));
                steps.add(new Step("folder " + folder.getFullName(), true, folder.exists()
                        ? folder.getMessageCount() + " messages (" + key + ")"
                        : "missing; created at the first start (" + key + ")"));
            }
        } catch (MessagingException e) {
            steps.add(new Step("folders", false, e.getMessage()));
        } finally {
            try {
                store.close();
            } catch (MessagingException e) {
                log.debug("Closing the checked IMAP store failed: {}", e.toString());
            }
        }
        return steps;
    }
}

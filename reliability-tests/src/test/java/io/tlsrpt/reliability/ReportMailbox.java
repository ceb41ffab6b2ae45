package io.tlsrpt.reliability;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.testkafka.TestKeystore;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * A real IMAP server (GreenMail, IMAPS on 127.0.0.1) with one report mailbox, and a second client's read-only view of
 * its folders. The server runs in the test JVM and stops with {@link #close()}.
 * <p>
 * Its certificate is a throw-away one for 127.0.0.1 ({@link TestKeystore}): GreenMail's built-in one names no host, and
 * Angus Mail checks the server's identity even for a host listed in {@code mail.imaps.ssl.trust} (which the connector's
 * {@code imap.ssl.trust} sets), so a client could not connect to it by address.
 */
final class ReportMailbox implements AutoCloseable {

    static final String USER = "tlsrpt";
    static final String PASSWORD = "secret";
    static final String HOST = "127.0.0.1";

    /** One message as the test sees it: UID, Message-ID, sha-256 of its raw bytes (as the connector reads them). */
    record Mail(long uid, String messageId, String sha256, Flags flags) {
    }

    private final GreenMail greenMail;
    private final GreenMailUser user;

    /**
     * GreenMail reads its keystore from system properties once per JVM, at its first TLS server: a later mailbox in
     * the same JVM keeps the first one's keystore, which serves as well (each names 127.0.0.1, and the clients trust
     * that host's certificate without checking its chain).
     */
    ReportMailbox(Path keystore) {
        System.setProperty("greenmail.tls.keystore.file", keystore.toString());
        System.setProperty("greenmail.tls.keystore.password", TestKeystore.PASSWORD);
        System.setProperty("greenmail.tls.key.password", TestKeystore.PASSWORD);
        ServerSetup imaps = new ServerSetup(0, HOST, ServerSetup.PROTOCOL_IMAPS).dynamicPort();
        imaps.setServerStartupTimeout(30_000); // the default 2 s is too short on a loaded build machine
        greenMail = new GreenMail(imaps);
        greenMail.start();
        user = greenMail.setUser(USER + "@example.org", USER, PASSWORD);
    }

    int port() {
        return greenMail.getImaps().getPort();
    }

    /** Delivers the mails to INBOX one after another, so that their UIDs ascend in the given order. */
    void deliver(List<byte[]> mails) throws MessagingException {
        Session session = Session.getInstance(new Properties());
        for (byte[] mail : mails) {
            user.deliver(new MimeMessage(session, new ByteArrayInputStream(mail)));
        }
    }

    /** Every message of a folder (empty when the folder does not exist), without changing a flag (EXAMINE, PEEK). */
    List<Mail> read(String folderName) throws MessagingException, IOException {
        Store store = connect();
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(folderName);
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            try {
                Message[] messages = folder.getMessages();
                FetchProfile profile = new FetchProfile();
                profile.add(UIDFolder.FetchProfileItem.UID);
                profile.add(FetchProfile.Item.FLAGS);
                profile.add(IMAPFolder.FetchProfileItem.MESSAGE);
                folder.fetch(messages, profile);
                List<Mail> mails = new ArrayList<>(messages.length);
                for (Message m : messages) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    m.writeTo(raw);
                    mails.add(new Mail(folder.getUID(m), ((MimeMessage) m).getMessageID(),
                            RawInputProducer.sha256Hex(raw.toByteArray()), m.getFlags()));
                }
                return mails;
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** Number of messages in a folder, -1 when it does not exist. */
    int count(String folderName) throws MessagingException {
        Store store = connect();
        try {
            Folder folder = store.getFolder(folderName);
            return folder.exists() ? folder.getMessageCount() : -1;
        } finally {
            store.close();
        }
    }

    long uidValidity(String folderName) throws MessagingException {
        Store store = connect();
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(folderName);
            folder.open(Folder.READ_ONLY);
            try {
                return folder.getUIDValidity();
            } finally {
                folder.close(false);
            }
        } finally {
            store.close();
        }
    }

    private Store connect() throws MessagingException {
        Properties props = new Properties();
        props.put("mail.imaps.ssl.trust", HOST);
        props.put("mail.imaps.peek", "true");
        props.put("mail.imaps.connectiontimeout", "10000");
        props.put("mail.imaps.timeout", "30000");
        Store store = Session.getInstance(props).getStore("imaps");
        store.connect(HOST, port(), USER, PASSWORD);
        return store;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}

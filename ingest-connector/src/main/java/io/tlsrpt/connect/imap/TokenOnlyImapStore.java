package io.tlsrpt.connect.imap;

import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

/**
 * An IMAP store for a login with an access token: a server that does not offer SASL XOAUTH2 is refused before the
 * login. Angus Mail would otherwise fall back to the plain LOGIN command with the token as the password, sending a
 * bearer token to a server that takes none (and may log it), and the refusal would not say why. Angus names a
 * store's loggers by its class's package: this store's debug log and protocol trace are under
 * {@code io.tlsrpt.connect.imap}, not {@code org.eclipse.angus.mail.imap}.
 */
final class TokenOnlyImapStore extends IMAPStore {

    static final String CAPABILITY = "AUTH=XOAUTH2";

    /** @param protocol imap or imaps (implicit TLS), whose mail.PROTOCOL.* session properties apply */
    TokenOnlyImapStore(Session session, String protocol) {
        super(session, new URLName(protocol, null, -1, null, null, null), protocol, "imaps".equals(protocol));
    }

    /** Called after STARTTLS, when the server has said what it offers to a client not yet logged in. */
    @Override
    protected void preLogin(IMAPProtocol protocol) throws ProtocolException {
        if (!protocol.hasCapability(CAPABILITY)) {
            throw new ProtocolException("the server does not offer SASL XOAUTH2 (no " + CAPABILITY + " among its "
                    + "capabilities): it takes no access tokens, and the token is not sent to it as a password; "
                    + "enable OAuth 2.0 for IMAP on the mailbox's server, or log in with imap.password");
        }
        super.preLogin(protocol);
    }
}

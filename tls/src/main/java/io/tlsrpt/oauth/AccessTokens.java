package io.tlsrpt.oauth;

import java.io.IOException;

/** Where a login's OAuth 2.0 access tokens come from. */
public interface AccessTokens {

    /**
     * A token to offer now: the one kept while it is {@linkplain AccessToken#usableAt usable}, else a new one.
     *
     * @throws TokenRefusedException when the endpoint refused (asking again will not help)
     * @throws IOException           when no token can be had for now (no answer, the file is missing)
     */
    AccessToken current() throws IOException;

    /** The server refused {@code token}: it is not offered again. */
    void rejected(AccessToken token);

    /** Where the tokens come from, for log lines (never a secret). */
    String describe();
}

package io.tlsrpt.oauth;

import java.io.IOException;

/**
 * The token endpoint refused to give a token (a 4xx answer other than 429: a wrong or expired client secret, a
 * refresh token revoked, a scope not granted): asking again will not help until the configuration or the grant
 * changes. Other failures (no answer, a 5xx, a 429) are plain {@link IOException}s, worth another try.
 */
public final class TokenRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public TokenRefusedException(String message) {
        super(message);
    }
}

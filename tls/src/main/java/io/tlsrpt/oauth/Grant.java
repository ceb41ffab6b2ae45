package io.tlsrpt.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

/** How a token endpoint is asked for an access token (RFC 6749 section 4): the grant's fields and headers. */
public interface Grant {

    /** The grant, for log lines (never a secret), e.g. "client_credentials". */
    String name();

    /**
     * Adds the grant's form fields and headers to a token request to {@code endpoint} made at {@code now}.
     *
     * @throws IOException when the grant cannot be made (e.g. its assertion cannot be signed)
     */
    void apply(URI endpoint, Map<String, String> form, HttpRequest.Builder request, Instant now) throws IOException;

    /** The fields of a token answer, for a grant that keeps something of them (a rotated refresh token). */
    default void answered(Map<String, String> fields) {
    }
}

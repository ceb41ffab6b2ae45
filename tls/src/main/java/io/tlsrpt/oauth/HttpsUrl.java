package io.tlsrpt.oauth;

import java.net.URI;
import java.net.URISyntaxException;

/** The one check of an identity provider's address (a token endpoint, a key set): an absolute https URL with a host. */
public final class HttpsUrl {

    private HttpsUrl() {
    }

    /** @throws IllegalArgumentException "not a URL (...)" or "must be an https URL" */
    public static URI parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getMessage() + ")", e);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an https URL");
        }
        return uri;
    }
}

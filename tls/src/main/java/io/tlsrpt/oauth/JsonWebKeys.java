package io.tlsrpt.oauth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * An identity provider's RSA signing keys by key id, from its JSON Web Key Set (RFC 7517; Entra ID's and Keycloak's
 * {@code jwks_uri}). Read at the first use, again after an hour, and at once for a key id not known yet (a key the
 * provider just rolled over to), but not more often than every minute; a set that cannot be read leaves the keys read
 * before in force, with a warning.
 */
public final class JsonWebKeys {
    private static final Logger log = LoggerFactory.getLogger(JsonWebKeys.class);
    private static final JsonFactory JSON = new JsonFactory();
    static final Duration REFRESH = Duration.ofHours(1);
    static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_BYTES = 256 * 1024;

    private final URI uri;
    private final HttpClient http;
    private final Duration timeout;
    private final InstantSource clock;
    private Map<String, RSAPublicKey> keys = Map.of();
    private Instant read;
    private Instant tried;

    public JsonWebKeys(URI uri, SSLContext tls, Duration timeout, InstantSource clock) {
        this.uri = uri;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The key {@code kid}; null when the set does not hold it (after reading it again when allowed). */
    public synchronized RSAPublicKey key(String kid) {
        Instant now = clock.instant();
        boolean stale = read == null || !now.isBefore(read.plus(REFRESH));
        boolean unknown = !keys.containsKey(kid);
        if ((stale || unknown) && (tried == null || !now.isBefore(tried.plus(MIN_INTERVAL)))) {
            tried = now;
            try {
                keys = fetch();
                read = now;
                log.info("{} signing keys read from {}", keys.size(), uri);
            } catch (IOException e) {
                log.warn("The signing keys of {} not read ({}); {} read before stay in force", uri, e.getMessage(),
                        keys.size());
            }
        }
        return keys.get(kid);
    }

    private Map<String, RSAPublicKey> fetch() throws IOException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        if (body.length > MAX_BYTES) {
            throw new IOException("more than " + MAX_BYTES + " bytes");
        }
        return rsaKeys(body);
    }

    /** The RSA keys of a key set, by {@code kid}; keys of other types or uses are left out. */
    static Map<String, RSAPublicKey> rsaKeys(byte[] json) throws IOException {
        Map<String, RSAPublicKey> keys = new HashMap<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON Web Key Set");
            }
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"keys".equals(name) || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    Map<String, String> key = new HashMap<>();
                    for (JsonToken f = parser.nextToken(); f == JsonToken.FIELD_NAME; f = parser.nextToken()) {
                        String field = parser.currentName();
                        JsonToken v = parser.nextToken();
                        if (v == JsonToken.VALUE_STRING) {
                            key.put(field, parser.getText());
                        } else {
                            parser.skipChildren();
                        }
                    }
                    if ("RSA".equals(key.get("kty")) && key.containsKey("kid") && key.containsKey("n")
                            && key.containsKey("e") && !"enc".equals(key.get("use"))) {
                        keys.put(key.get("kid"), rsa(key.get("n"), key.get("e")));
                    }
                }
            }
        }
        return Map.copyOf(keys);
    }

    private static RSAPublicKey rsa(String n, String e) throws IOException {
        try {
            Base64.Decoder url = Base64.getUrlDecoder();
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, url.decode(n)), new BigInteger(1, url.decode(e))));
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            throw new IOException("an RSA key that is not one: " + ex.getMessage(), ex);
        }
    }
}

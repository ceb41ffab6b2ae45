package io.tlsrpt.oauth;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tlsrpt.tls.PemFiles;
import io.tlsrpt.tls.ReloadedFile;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Google service account's key file (the JSON the Cloud console downloads): the account's address, its RSA key
 * and the key's id, and the token endpoint to send its assertions to. Its {@code toString()} holds no key.
 */
public record ServiceAccountKey(String clientEmail, String keyId, RSAPrivateKey privateKey, URI tokenUri) {

    private static final int MAX_BYTES = 64 * 1024;

    /**
     * The key of {@code file}, read again when the file changes (looked at once a minute at most, at a token
     * request): a key rotated in place (a new key file written by a secret manager) is used from the next request on,
     * without a restart; a file that cannot be read leaves the key read before in force, with a warning.
     *
     * @throws IllegalArgumentException when the file cannot be read now
     */
    public static Supplier<ServiceAccountKey> reloaded(Path file, InstantSource clock) {
        ReloadedFile<ServiceAccountKey> key = new ReloadedFile<>("service account key file", file,
                ServiceAccountKey::read, ServiceAccountKey::toString, clock, ClientCertificate.RELOAD_INTERVAL);
        return key::current;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is missing or wrong (never the key)
     */
    public static ServiceAccountKey read(Path file) {
        Map<String, String> fields;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes, not a key file");
            }
            fields = JsonFields.of(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            // the parser's own words may quote the text around the fault: the key, in a key file. Not chained
            // either: a failing connector's task is logged with its causes
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(file + ": not a service account key file (no JSON object"
                    + (at == null ? "" : ", unreadable at line " + at.getLineNr() + " column " + at.getColumnNr())
                    + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a service account key file (" + e.getMessage() + ")", e);
        }
        if (!"service_account".equals(fields.get("type"))) {
            throw new IllegalArgumentException(file + ": not a service account key file (type "
                    + fields.get("type") + ", not service_account)");
        }
        for (String required : new String[] {"client_email", "private_key", "token_uri"}) {
            if (fields.getOrDefault(required, "").isBlank()) {
                throw new IllegalArgumentException(file + ": no " + required);
            }
        }
        URI tokenUri;
        try {
            tokenUri = HttpsUrl.parse(fields.get("token_uri"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": token_uri " + e.getMessage(), e);
        }
        PrivateKey key = PemFiles.privateKey(file + " (private_key)", fields.get("private_key"));
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw new IllegalArgumentException(file + ": private_key is no RSA key");
        }
        return new ServiceAccountKey(fields.get("client_email"), fields.getOrDefault("private_key_id", ""), rsa,
                tokenUri);
    }

    @Override
    public String toString() {
        return "service account " + clientEmail + (keyId.isEmpty() ? "" : " (key " + keyId + ")");
    }
}

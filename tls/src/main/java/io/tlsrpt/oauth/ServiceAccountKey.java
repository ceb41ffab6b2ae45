package io.tlsrpt.oauth;

import io.tlsrpt.tls.PemFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Map;

/**
 * A Google service account's key file (the JSON the Cloud console downloads): the account's address, its RSA key
 * and the key's id, and the token endpoint to send its assertions to. Its {@code toString()} holds no key.
 */
public record ServiceAccountKey(String clientEmail, String keyId, RSAPrivateKey privateKey, URI tokenUri) {

    private static final int MAX_BYTES = 64 * 1024;

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

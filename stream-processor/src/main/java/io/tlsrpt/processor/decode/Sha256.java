package io.tlsrpt.processor.decode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests for the per-report hashes (dedup key, fingerprint), one per thread. */
public final class Sha256 {

    /** One digest per thread: looking the algorithm up on every call costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    private Sha256() {
    }

    /** This thread's digest, reset: use it up (digest()) before the next call on the same thread. */
    public static MessageDigest digest() {
        MessageDigest digest = DIGEST.get();
        digest.reset();
        return digest;
    }
}

package io.tlsrpt.oauth;

import io.tlsrpt.tls.ReloadedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * An access token that something else obtains and writes to a file (a sidecar, a workload identity agent, a cron
 * job), read again when the file changes. Its expiry is not known here: a session lasts until the server ends it,
 * and the next login offers what the file says then. The file may appear after the start (a login waits for it).
 */
public final class TokenFile implements AccessTokens {
    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
    private static final int MAX_BYTES = 64 * 1024;

    private final String key;
    private final Path file;
    private final InstantSource clock;
    private final Duration recheck;
    private ReloadedFile<String> reloaded;

    /**
     * @param key     the configuration key naming the file, for messages
     * @param recheck how often a login looks at the file's modification time
     */
    public TokenFile(String key, Path file, InstantSource clock, Duration recheck) {
        this.key = key;
        this.file = file;
        this.clock = clock;
        this.recheck = recheck;
    }

    @Override
    public synchronized AccessToken current() throws IOException {
        try {
            if (reloaded == null) {
                reloaded = new ReloadedFile<>(key, file, TokenFile::read, token -> "The IMAP login's access token",
                        clock, recheck);
            }
            return new AccessToken(reloaded.current(), clock.instant(), null);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void rejected(AccessToken token) {
        log.warn("The IMAP server refused the access token of {} ({}): it must be renewed there", file, key);
    }

    @Override
    public String describe() {
        return "token file " + file;
    }

    private static String read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES + " bytes: not a token");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String token = new String(bytes, StandardCharsets.US_ASCII).strip();
        try {
            new AccessToken(token, Instant.EPOCH, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " holds " + (token.isEmpty() ? "nothing" : "no bearer token")
                    + ": " + e.getMessage(), e);
        }
        return token;
    }
}

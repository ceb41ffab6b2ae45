package io.tlsrpt.oauth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A token another program writes: waited for, read again when it changes, a bad one leaving the last in force. */
class TokenFileTest {
    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T18:00:00Z"));
    private final InstantSource clock = now::get;

    private void write(Path file, String text, int minute) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-03T17:00:00Z").plusSeconds(60L * minute)));
    }

    @Test
    void theTokenIsWaitedForAndReadAgainWhenItChanges() throws Exception {
        Path file = dir.resolve("imap-token");
        TokenFile tokens = new TokenFile("imap.oauth.token.file", file, clock, Duration.ofSeconds(1));
        assertThatThrownBy(tokens::current).isInstanceOf(IOException.class)
                .hasMessageContaining("imap.oauth.token.file");

        write(file, "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJvdXRsb29rIn0.c2ln\n", 1);
        AccessToken first = tokens.current();
        assertThat(first.value()).isEqualTo("eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJvdXRsb29rIn0.c2ln");
        assertThat(first.renewAt()).isNull();                   // its writer knows when; a session lasts until ended

        write(file, "second-token", 2);
        assertThat(tokens.current().value()).isEqualTo(first.value());   // looked at once a second at most
        now.set(now.get().plusSeconds(2));
        assertThat(tokens.current().value()).isEqualTo("second-token");

        write(file, "half written\r\nA1 LOGOUT", 3);             // refused: the last good token stays
        now.set(now.get().plusSeconds(2));
        assertThat(tokens.current().value()).isEqualTo("second-token");
        write(file, "", 4);
        now.set(now.get().plusSeconds(2));
        assertThat(tokens.current().value()).isEqualTo("second-token");
        assertThat(tokens.describe()).isEqualTo("token file " + file);
    }

    @Test
    void aFileThatHoldsNoTokenIsNamedInTheError() throws Exception {
        Path file = dir.resolve("imap-token");
        write(file, "  \n", 1);
        assertThatThrownBy(new TokenFile("imap.oauth.token.file", file, clock, Duration.ofSeconds(1))::current)
                .isInstanceOf(IOException.class).hasMessageContaining(file + " holds nothing");
    }
}

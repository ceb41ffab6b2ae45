package io.tlsrpt.cli.check;

import java.util.Objects;

/**
 * One error or warning of a check: a stable {@code code} for machines and a {@code message} that says what is
 * wrong and how to write it right.
 */
public record Finding(String code, String message) {

    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}

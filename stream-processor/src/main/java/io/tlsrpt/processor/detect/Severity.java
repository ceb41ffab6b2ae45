package io.tlsrpt.processor.detect;

import java.util.Locale;

/** How urgently an operator must act. */
public enum Severity {
    CRITICAL, WARNING, INFO;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}

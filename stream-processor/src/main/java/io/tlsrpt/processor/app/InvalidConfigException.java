package io.tlsrpt.processor.app;

import java.util.List;

/** The configuration is invalid; the message lists every problem, one per line, with the key to fix. */
public final class InvalidConfigException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid stream-processor configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

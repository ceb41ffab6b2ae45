package io.tlsrpt.cli.check;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings while a check runs. */
final class Findings {

    private final List<Finding> errors = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();

    void error(String code, String message) {
        errors.add(new Finding(code, message));
    }

    void warning(String code, String message) {
        warnings.add(new Finding(code, message));
    }

    void addAll(Findings other) {
        errors.addAll(other.errors);
        warnings.addAll(other.warnings);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<Finding> errors() {
        return List.copyOf(errors);
    }

    List<Finding> warnings() {
        return List.copyOf(warnings);
    }
}

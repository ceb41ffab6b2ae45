package io.tlsrpt.schema;

import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The JSON Schema (2020-12) of an alert on {@code tlsrpt.alerts.json}, shipped in this jar as
 * {@value #RESOURCE}: for the SIEMs and other consumers of the JSON topic to validate against or generate from.
 * Tests hold both writers of the topic (the stream processor and {@code tlsrpt watch}) to it.
 */
public final class AlertJsonSchema {

    /** The schema's class path resource. */
    public static final String RESOURCE = "/io/tlsrpt/schema/alert.schema.json";

    private AlertJsonSchema() {
    }

    /** The schema's text; the caller closes it. */
    public static InputStream open() {
        InputStream in = AlertJsonSchema.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new UncheckedIOException(new java.io.FileNotFoundException(RESOURCE + " is not on the class path"));
        }
        return in;
    }
}

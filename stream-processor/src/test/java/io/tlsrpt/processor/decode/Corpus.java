package io.tlsrpt.processor.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Test inputs on the class path: the real corpus (copied unchanged from shared/corpus/real) and fixtures. */
final class Corpus {

    private Corpus() {
    }

    static byte[] real(String name) {
        return resource("/corpus/real/" + name);
    }

    static byte[] fixture(String name) {
        return resource("/fixtures/decode/" + name);
    }

    static byte[] resource(String path) {
        try (InputStream in = Corpus.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

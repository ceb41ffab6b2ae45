package io.tlsrpt.cli.bench;

import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.ExpectedReport;
import io.tlsrpt.generate.GeneratedInput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A workload rendered to a file before a latency run, so that the run's sender only reads bytes: generating the
 * reports (JSON, gzip, MIME, SHA-256) while sending put the generator and the JIT's recompiling of it on the same
 * two cores as the processor it measures. Each record: SHA-256 hex, policy domain ("" for none), content type, file
 * name, payload.
 */
final class RenderedInputs {

    /** One input as the sender needs it. */
    record Input(String sha256, String domain, String contentType, String fileName, byte[] bytes) {
    }

    private final Path file;
    private final long count;

    private RenderedInputs(Path file, long count) {
        this.file = file;
        this.count = count;
    }

    /** Renders every input of {@code inputs} to {@code file}. */
    static RenderedInputs render(Iterator<GeneratedInput> inputs, Path file) {
        long count = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            while (inputs.hasNext()) {
                GeneratedInput in = inputs.next();
                out.writeUTF(RawInputProducer.sha256Hex(in.bytes()));
                String domain = domainOf(in.expected());
                out.writeUTF(domain == null ? "" : domain);
                out.writeUTF(in.contentType());
                out.writeUTF(in.fileName());
                out.writeInt(in.bytes().length);
                out.write(in.bytes());
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the workload to " + file, e);
        }
        return new RenderedInputs(file, count);
    }

    long count() {
        return count;
    }

    /** Reads the inputs back in order; the caller closes it. */
    Reader read() {
        try {
            return new Reader(new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The first policy domain the input's report names, or null. */
    static String domainOf(ExpectedReport expected) {
        for (ExpectedReport.ExpectedPolicy p : expected.policies()) {
            if (p.domain() != null) {
                return p.domain();
            }
        }
        return null;
    }

    static final class Reader implements Iterator<Input>, AutoCloseable {

        private final DataInputStream in;
        private Input next;

        private Reader(DataInputStream in) {
            this.in = in;
            this.next = readOne();
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Input next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Input current = next;
            next = readOne();
            return current;
        }

        private Input readOne() {
            String sha;
            try {
                sha = in.readUTF();
            } catch (EOFException end) {
                return null;   // the end of the file, between records
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                String domain = in.readUTF();
                String contentType = in.readUTF();
                String fileName = in.readUTF();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new Input(sha, domain.isEmpty() ? null : domain, contentType, fileName, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("a rendered input is cut short", e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package io.tlsrpt.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.ReportDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decode and normalise one input of each {@link InputShape} ({@link #decode}) against the floor: gunzip plus a
 * Jackson tree parse of the report the input carries ({@link #floorGunzipTreeParse}). One operation is one report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecodeBenchmark {

    @Param({"GOOGLE_GZIP_MAIL", "MICROSOFT_TLSA_MAIL", "BARE_JSON", "LARGE_1000_FAILURES_GZIP"})
    public InputShape shape;

    private final ReportDecoder decoder = new ReportDecoder();
    private final ObjectMapper mapper = new ObjectMapper();
    private InputShape.Sample sample;

    @Setup(Level.Trial)
    public void setUp() {
        sample = shape.sample();
        if (!(decode() instanceof DecodeResult.Decoded)) {
            throw new IllegalStateException(shape + " does not decode: " + decode());
        }
    }

    /** The subject: the project's decoder, from the bytes as received to normalised TlsReport records. */
    @Benchmark
    public DecodeResult decode() {
        return decoder.decode(sample.raw(), sample.hints());
    }

    /** The floor: gunzip (when compressed) and a Jackson tree parse of the report payload. */
    @Benchmark
    public JsonNode floorGunzipTreeParse() throws IOException {
        InputStream in = new ByteArrayInputStream(sample.payload());
        if (sample.payloadGzip()) {
            in = new GZIPInputStream(in, 8192);
        }
        try (InputStream body = in) {
            return mapper.readTree(body);
        }
    }

    /** The sample in use (after setup), for tests and the report table. */
    public InputShape.Sample sample() {
        return sample;
    }
}

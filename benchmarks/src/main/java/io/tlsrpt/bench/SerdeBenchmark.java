package io.tlsrpt.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.tlsrpt.processor.decode.DecodeResult;
import io.tlsrpt.processor.decode.ReportDecoder;
import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.TlsReport;
import io.tlsrpt.schema.serde.AvroSerdes;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The project's Confluent-wire-format Avro serde (in-process {@code mock://} registry, so no network) against plain
 * Avro binary encoding of the same record, the floor: a reused {@link SpecificDatumWriter} and encoder, and a
 * {@link SpecificDatumReader} that builds a new record per call, as the serde's deserializer must.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark {

    /** Which record is encoded. */
    public enum RecordKind { TLS_REPORT, ALERT }

    @Param({"TLS_REPORT", "ALERT"})
    public RecordKind record;

    private Serde<SpecificRecord> serde;
    private Serializer<SpecificRecord> serializer;
    private Deserializer<SpecificRecord> deserializer;
    private String topic;
    private SpecificRecord value;
    private byte[] confluentBytes;

    private SpecificDatumWriter<SpecificRecord> writer;
    private SpecificDatumReader<SpecificRecord> reader;
    private final ByteArrayOutputStream plainOut = new ByteArrayOutputStream(4096);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;
    private byte[] plainBytes;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws IOException {
        value = record == RecordKind.TLS_REPORT ? sampleReport() : sampleAlert();
        topic = record == RecordKind.TLS_REPORT ? "tlsrpt.reports" : "tlsrpt.alerts";
        Class<SpecificRecord> type = (Class<SpecificRecord>) value.getClass();
        serde = AvroSerdes.forClass(type, "mock://bench-" + UUID.randomUUID(), false);
        serializer = serde.serializer();
        deserializer = serde.deserializer();
        confluentBytes = serializer.serialize(topic, value);
        writer = new SpecificDatumWriter<>(value.getSchema());
        reader = new SpecificDatumReader<>(value.getSchema());
        plainBytes = plainEncode();
        if (!value.equals(confluentDecode()) || !value.equals(plainDecode())) {
            throw new IllegalStateException(record + " does not survive a round trip");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        serde.close();
    }

    @Benchmark
    public byte[] confluentEncode() {
        return serializer.serialize(topic, value);
    }

    @Benchmark
    public SpecificRecord confluentDecode() {
        return deserializer.deserialize(topic, confluentBytes);
    }

    @Benchmark
    public byte[] plainEncode() throws IOException {
        plainOut.reset();
        encoder = EncoderFactory.get().binaryEncoder(plainOut, encoder);
        writer.write(value, encoder);
        encoder.flush();
        return plainOut.toByteArray();
    }

    @Benchmark
    public SpecificRecord plainDecode() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(plainBytes, decoder);
        return reader.read(null, decoder);
    }

    /** Size of the record in the Confluent wire format (magic byte, schema id, Avro binary). */
    public int wireSize() {
        return confluentBytes.length;
    }

    /** A real decoded report: the Microsoft-style mail with a tlsa policy. */
    static TlsReport sampleReport() {
        InputShape.Sample s = InputShape.MICROSOFT_TLSA_MAIL.sample();
        DecodeResult result = new ReportDecoder().decode(s.raw(), s.hints());
        if (result instanceof DecodeResult.Decoded decoded) {
            return decoded.reports().get(0);
        }
        throw new IllegalStateException("the sample mail does not decode: " + result);
    }

    /** An alert as the detector raises it for a STARTTLS downgrade. */
    static Alert sampleAlert() {
        Instant start = Instant.parse("2025-01-20T00:00:00Z");
        return Alert.newBuilder()
            .setAlertId("6f1c0d1e2b7a4c55a0f3b2e19d8c7a61")
            .setStatus("OPEN")
            .setKind("SPIKE")
            .setSeverity("CRITICAL")
            .setPolicyDomain("acme.example")
            .setResultType("starttls-not-supported")
            .setWindowStart(start)
            .setWindowEnd(start.plusSeconds(86_400))
            .setFailedSessions(4_812)
            .setTotalSessions(10_233)
            .setBaseline(3.4)
            .setScore(41.7)
            .setReporters(List.of("Google LLC", "Microsoft Corporation", "mail.example.net"))
            .setTopSendingIps(List.of("209.85.220.41", "40.107.22.51", "192.0.2.17", "209.85.220.69",
                "40.107.22.77"))
            .setTopReceivingMx(List.of("mx1.acme.example", "mx2.acme.example"))
            .setSummary("acme.example: 4812 of 10233 sessions failed with starttls-not-supported "
                + "(baseline 3.4/day) - possible STARTTLS downgrade")
            .setDetectedAt(start.plusSeconds(50_000))
            .build();
    }
}

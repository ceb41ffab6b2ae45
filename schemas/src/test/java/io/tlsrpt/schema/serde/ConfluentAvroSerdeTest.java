package io.tlsrpt.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlsrpt.schema.Alert;
import io.tlsrpt.schema.DeadLetter;
import io.tlsrpt.schema.DomainStats;
import io.tlsrpt.schema.FailureStats;
import io.tlsrpt.schema.TlsReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfluentAvroSerdeTest {

    private static final String TOPIC = "tlsrpt.reports";

    private String scope;
    private String url;

    @BeforeEach
    void newScope() {
        scope = "serde-test-" + UUID.randomUUID();
        url = "mock://" + scope;
    }

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.dropScope(scope);
    }

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
                Arguments.of(TlsReport.class, TestRecords.tlsReport()),
                Arguments.of(FailureStats.class, TestRecords.failureStats()),
                Arguments.of(DomainStats.class, TestRecords.domainStats()),
                Arguments.of(DomainStats.class, TestRecords.uncountedDomainStats()),
                Arguments.of(Alert.class, TestRecords.alert()),
                Arguments.of(DeadLetter.class, TestRecords.deadLetter()),
                Arguments.of(DeadLetter.class, TestRecords.sparseDeadLetter()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void roundTripsEveryRecordType(Class<T> type, T record) {
        try (Serde<T> serde = AvroSerdes.forClass(type, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, record);
            T back = serde.deserializer().deserialize(TOPIC, bytes);

            assertThat(back).isEqualTo(record).isNotSameAs(record);
            assertThat(back.toString()).isEqualTo(record.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void headerHoldsMagicZeroAndTheRegisteredIdAndThenPlainAvro(Class<T> type, T record)
            throws IOException {
        try (Serde<T> serde = AvroSerdes.forClass(type, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, record);

            int registeredId = MockSchemaRegistry.forScope(scope).lookup(TOPIC + "-value", record.getSchema());
            assertThat(bytes[0]).isZero();
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);

            // what follows the header is ordinary Avro binary, readable without this project's serde
            byte[] avro = Arrays.copyOfRange(bytes, WireFormat.HEADER_SIZE, bytes.length);
            SpecificDatumReader<T> plain = new SpecificDatumReader<>(type);
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(avro, null);
            assertThat(plain.read(null, decoder)).isEqualTo(record);
            assertThat(decoder.isEnd()).isTrue();
        }
    }

    @Test
    void nullSerializesToNullAndBack() {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
            assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
            assertThat(serde.deserializer().deserialize(TOPIC, null, (ByteBuffer) null)).isNull();
        }
    }

    @Test
    void eachRecordTypeGetsItsOwnIdAndTheSameSchemaKeepsItsId() {
        try (Serde<TlsReport> reports = AvroSerdes.forClass(TlsReport.class, url, false);
             Serde<Alert> alerts = AvroSerdes.forClass(Alert.class, url, false);
             Serde<TlsReport> reportsAgain = AvroSerdes.forClass(TlsReport.class, url, false)) {
            int reportId = WireFormat.schemaId(reports.serializer().serialize("a", TestRecords.tlsReport()), "a");
            int alertId = WireFormat.schemaId(alerts.serializer().serialize("b", TestRecords.alert()), "b");
            int reportIdOtherTopic = WireFormat.schemaId(
                    reportsAgain.serializer().serialize("c", TestRecords.tlsReport()), "c");

            assertThat(alertId).isGreaterThan(reportId);
            assertThat(reportIdOtherTopic).isEqualTo(reportId);
            assertThat(MockSchemaRegistry.forScope(scope).subjects()).containsExactly("a-value", "b-value", "c-value");
        }
    }

    @Test
    void readsInPlaceFromAByteBufferWithAnOffset() {
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.alert());
            byte[] padded = new byte[bytes.length + 20];
            System.arraycopy(bytes, 0, padded, 7, bytes.length);
            ByteBuffer buffer = ByteBuffer.wrap(padded, 7, bytes.length).slice();

            assertThat(serde.deserializer().deserialize(TOPIC, null, buffer)).isEqualTo(TestRecords.alert());
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            assertThat(serde.deserializer().deserialize(TOPIC, null, direct)).isEqualTo(TestRecords.alert());
        }
    }

    @Test
    void rejectsAWrongMagicByte() {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.tlsReport());
            bytes[0] = 1;

            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("unknown magic byte 0x01")
                    .hasMessageContaining("expected 0x00");
            byte[] json = "{\"organization-name\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, json))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("unknown magic byte 0x7b");
        }
    }

    @Test
    void rejectsInputShorterThanTheHeader() {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            for (byte[] tooShort : new byte[][] {{}, {0}, {0, 0, 0, 1}}) {
                assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, tooShort))
                        .isInstanceOf(SerializationException.class)
                        .hasMessageContaining(tooShort.length + " bytes")
                        .hasMessageContaining("too short");
            }
        }
    }

    @Test
    void rejectsATruncatedRecordAndTrailingBytes() {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.tlsReport());
            for (int length : new int[] {WireFormat.HEADER_SIZE, WireFormat.HEADER_SIZE + 1, bytes.length / 2,
                    bytes.length - 1}) {
                byte[] truncated = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                        .as("truncated to %d of %d bytes", length, bytes.length)
                        .isInstanceOf(SerializationException.class)
                        .hasMessageContaining("Cannot deserialize io.tlsrpt.schema.TlsReport");
            }
            byte[] trailing = Arrays.copyOf(bytes, bytes.length + 3);
            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, trailing))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("bytes left over");
        }
    }

    @Test
    void rejectsAnIdTheRegistryDoesNotKnow() {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.tlsReport());
            WireFormat.writeHeader(bytes, 0, 999);

            assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("cannot fetch writer schema id 999")
                    .hasMessageContaining(url)
                    .hasRootCauseInstanceOf(SchemaRegistryException.class);
        }
    }

    @Test
    void rejectsARecordOfAnotherTypeWithAClearMessage() {
        try (Serde<Alert> alerts = AvroSerdes.forClass(Alert.class, url, false);
             Serde<TlsReport> reports = AvroSerdes.forClass(TlsReport.class, url, false)) {
            byte[] alert = alerts.serializer().serialize(TOPIC, TestRecords.alert());
            byte[] report = reports.serializer().serialize("other-topic", TestRecords.tlsReport());
            assertThat(reports.deserializer().deserialize(TOPIC, report)).isEqualTo(TestRecords.tlsReport());

            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> reports.deserializer().deserialize(TOPIC, alert))
                        .isInstanceOf(SerializationException.class)
                        .hasMessageContaining("io.tlsrpt.schema.Alert")
                        .hasMessageContaining("cannot be read as io.tlsrpt.schema.TlsReport");
            }
            // a bad record in between does not disturb the good ones
            assertThat(reports.deserializer().deserialize(TOPIC, report)).isEqualTo(TestRecords.tlsReport());
        }
    }

    @Test
    void anUnconfiguredSerializerSaysSo() {
        ConfluentAvroSerializer<Alert> serializer = new ConfluentAvroSerializer<>(Alert.class);
        assertThatThrownBy(() -> serializer.serialize(TOPIC, TestRecords.alert()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not configured")
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void serdeConfiguredLikeKafkaDoesItWorksAndSharesOneRegistryBothWays() {
        ConfluentAvroSerde<FailureStats> serde = new ConfluentAvroSerde<>(FailureStats.class);
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, "bootstrap.servers", "ignored:9092"), true);
        byte[] bytes = serde.serializer().serialize("tlsrpt.failure-stats", TestRecords.failureStats());

        assertThat(serde.deserializer().deserialize("tlsrpt.failure-stats", bytes)).isEqualTo(TestRecords.failureStats());
        assertThat(MockSchemaRegistry.forScope(scope).subjects()).containsExactly("tlsrpt.failure-stats-key");
        serde.close();
    }

    @Test
    void manyThreadsSerializeAndDeserializeConcurrently() throws Exception {
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            TlsReport report = TestRecords.tlsReport();
            byte[] expected = serde.serializer().serialize(TOPIC, report);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
                for (int task = 0; task < 8; task++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 500; i++) {
                            byte[] bytes = serde.serializer().serialize(TOPIC, report);
                            if (!Arrays.equals(bytes, expected)
                                    || !serde.deserializer().deserialize(TOPIC, bytes).equals(report)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (var future : futures) {
                    assertThat(future.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRecordThatFailsHalfWrittenLeavesNothingBehindForTheNext() {
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, url, false)) {
            byte[] good = serde.serializer().serialize(TOPIC, TestRecords.alert());
            Alert broken = Alert.newBuilder(TestRecords.alert()).build();
            broken.setSummary(null);   // a required string, late in the record: fails after most is written

            assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, broken))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("Cannot serialize io.tlsrpt.schema.Alert");
            byte[] afterFailure = serde.serializer().serialize(TOPIC, TestRecords.alert());
            assertThat(afterFailure).isEqualTo(good);
            assertThat(serde.deserializer().deserialize(TOPIC, afterFailure)).isEqualTo(TestRecords.alert());
        }
    }

    @Test
    void aHugeRecordDoesNotBreakLaterSmallOnes() {
        try (Serde<Alert> serde = AvroSerdes.forClass(Alert.class, url, false)) {
            Alert huge = Alert.newBuilder(TestRecords.alert()).setSummary("x".repeat(3 << 20)).build();
            assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, huge))).isEqualTo(huge);
            byte[] small = serde.serializer().serialize(TOPIC, TestRecords.alert());
            assertThat(serde.deserializer().deserialize(TOPIC, small)).isEqualTo(TestRecords.alert());
        }
    }

    @Test
    void usesTheModelOfTheGeneratedClassForLogicalTypes() {
        // timestamps come back as java.time.Instant, not as raw longs
        try (Serde<TlsReport> serde = AvroSerdes.forClass(TlsReport.class, url, false)) {
            TlsReport back = serde.deserializer().deserialize(TOPIC,
                    serde.serializer().serialize(TOPIC, TestRecords.tlsReport()));
            assertThat(back.getStart()).isEqualTo(TestRecords.START);
            assertThat(back.getProvenance().getReceivedAt()).isInstanceOf(java.time.Instant.class);
            assertThat(SpecificData.getForClass(TlsReport.class).getConversionFor(
                    TlsReport.getClassSchema().getField("start").schema().getLogicalType())).isNotNull();
        }
    }
}

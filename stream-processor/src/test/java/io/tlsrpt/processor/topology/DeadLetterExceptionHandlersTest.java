package io.tlsrpt.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The handlers the app configures, in a real Kafka Streams task: a processor that throws and a value the
 * serializer refuses are dead-lettered with the source record's bytes, and processing goes on.
 */
class DeadLetterExceptionHandlersTest {

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void processingAndSerializationErrorsAreDeadLetteredAndProcessingGoesOn() {
        StreamsBuilder builder = new StreamsBuilder();
        Serializer<String> refusesPoison = (topic, value) -> {
            if (value.equalsIgnoreCase("poison")) {
                throw new SerializationException("cannot serialise " + value);
            }
            return value.getBytes(StandardCharsets.UTF_8);
        };
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("in-source"))
                .mapValues(v -> {
                    if (v.equals("boom")) {
                        throw new IllegalStateException("processor failed on " + v);
                    }
                    return v.toUpperCase();
                }, Named.as("upper"))
                .to("out", Produced.with(Serdes.String(), Serdes.serdeFrom(refusesPoison, Serdes.String().deserializer()))
                        .withName("out-sink"));
        builder.stream("numbers", Consumed.with(Serdes.String(), Serdes.Integer()).withName("numbers-source"))
                .to("numbers-out", Produced.with(Serdes.String(), Serdes.Integer()).withName("numbers-sink"));
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handlers");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Production.class);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterExceptionHandlers.Deserialization.class);
        props.put(DeadLetterExceptionHandlers.DEAD_LETTER_TOPIC_CONFIG, "dlq");
        props.put(DeadLetterExceptionHandlers.METRICS_CONFIG, metrics);

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            TestOutputTopic<String, String> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
                    Serdes.String().deserializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("dlq", Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer());
            RecordHeaders headers = new RecordHeaders();
            headers.add("tlsrpt.source", "https".getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>("k1", "fine", headers));
            in.pipeInput(new TestRecord<>("k2", "boom", headers));
            in.pipeInput(new TestRecord<>("k3", "poison", headers));
            in.pipeInput(new TestRecord<>("k4", "still fine", headers));

            assertThat(out.readValuesToList()).containsExactly("FINE", "STILL FINE");
            List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
            assertThat(dead).hasSize(2);
            TestRecord<byte[], byte[]> processing = dead.get(0);
            assertThat(new String(processing.value(), StandardCharsets.UTF_8)).isEqualTo("boom");
            assertThat(new String(processing.key(), StandardCharsets.UTF_8)).isEqualTo("k2");
            assertThat(header(processing.headers(), DeadLetters.STAGE)).isEqualTo("process");
            assertThat(header(processing.headers(), DeadLetters.REASON)).isEqualTo("processing-exception");
            assertThat(header(processing.headers(), DeadLetters.MESSAGE)).contains("processor failed on boom");
            assertThat(header(processing.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("in");
            assertThat(header(processing.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
            assertThat(header(processing.headers(), "tlsrpt.source")).isEqualTo("https");
            TestRecord<byte[], byte[]> production = dead.get(1);
            assertThat(new String(production.value(), StandardCharsets.UTF_8)).isEqualTo("poison");
            assertThat(header(production.headers(), DeadLetters.STAGE)).isEqualTo("produce");
            assertThat(header(production.headers(), DeadLetters.REASON)).isEqualTo("serialization-exception");

            // a record that cannot be deserialised: dead-lettered with its bytes, the next one goes through
            TestInputTopic<String, byte[]> numbers = driver.createInputTopic("numbers", Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            numbers.pipeInput("bad", "abc".getBytes(StandardCharsets.UTF_8));
            numbers.pipeInput("good", new byte[] {0, 0, 0, 7});
            TestOutputTopic<String, Integer> numbersOut = driver.createOutputTopic("numbers-out",
                    Serdes.String().deserializer(), Serdes.Integer().deserializer());
            assertThat(numbersOut.readValuesToList()).containsExactly(7);
            List<TestRecord<byte[], byte[]>> unreadable = dlq.readRecordsToList();
            assertThat(unreadable).hasSize(1);
            assertThat(new String(unreadable.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("abc");
            assertThat(header(unreadable.get(0).headers(), DeadLetters.REASON)).isEqualTo("deserialization-exception");
            assertThat(header(unreadable.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("numbers");
            assertThat(metrics.total(PipelineMetrics.DEAD_LETTERS)).isEqualTo(3);
        }
    }
}

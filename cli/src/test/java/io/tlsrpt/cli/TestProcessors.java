package io.tlsrpt.cli;

import static org.awaitility.Awaitility.await;

import io.tlsrpt.embedded.ConsumerGroupDrain;
import io.tlsrpt.embedded.EmbeddedKafka;
import io.tlsrpt.embedded.RawInputProducer;
import io.tlsrpt.generate.GeneratedInput;
import io.tlsrpt.generate.ReportGenerator;
import io.tlsrpt.processor.app.ProcessorConfig;
import io.tlsrpt.processor.app.TlsRptProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Properties;
import java.util.function.Consumer;

/** The settings of a real stream processor on a test's embedded broker. */
public final class TestProcessors {

    private TestProcessors() {
    }

    /**
     * @param name       application id and in-process registry scope
     * @param settings   further keys and values, in pairs
     */
    public static ProcessorConfig config(EmbeddedKafka kafka, String name, Path stateDir, int partitions,
                                         String... settings) {
        Properties props = new Properties();
        props.setProperty(ProcessorConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.setProperty(ProcessorConfig.APPLICATION_ID, name);
        props.setProperty(ProcessorConfig.SCHEMA_REGISTRY_URL, "mock://" + name);
        props.setProperty(ProcessorConfig.STATE_DIR, stateDir.toString());
        props.setProperty(ProcessorConfig.TOPICS_PARTITIONS, Integer.toString(partitions));
        props.setProperty(ProcessorConfig.TOPICS_REPLICATION_FACTOR, "1");
        props.setProperty(ProcessorConfig.HTTP_PORT, "-1");
        for (int i = 0; i < settings.length; i += 2) {
            props.setProperty(settings[i], settings[i + 1]);
        }
        return ProcessorConfig.fromProperties(props);
    }

    /**
     * Starts a processor ({@link #config}), sends every input of {@code generator} to {@code tlsrpt.raw}, waits until
     * all are decoded and the raw and repartition topics are drained (decoded is not aggregated: a partition read
     * behind the other would still raise alerts), runs {@code whileRunning}, and closes the processor, which commits
     * its last outputs. {@code settings}: further keys and values, in pairs, as for {@link #config}.
     */
    public static void process(EmbeddedKafka kafka, String name, Path stateDir, int partitions,
                               ReportGenerator generator, Consumer<TlsRptProcessor> whileRunning, String... settings) {
        try (TlsRptProcessor processor = TlsRptProcessor.start(config(kafka, name, stateDir, partitions, settings))) {
            try (RawInputProducer producer = new RawInputProducer(kafka.clientProperties(), "tlsrpt.raw", "cli")) {
                Iterator<GeneratedInput> inputs = generator.iterator();
                while (inputs.hasNext()) {
                    GeneratedInput in = inputs.next();
                    producer.send(in.bytes(), in.contentType(), "cli:" + in.fileName(), in.fileName(), Instant.now());
                }
                producer.flush();
            }
            await().atMost(Duration.ofSeconds(90))
                .until(() -> processor.counters().reportsDecoded() == generator.inputCount());
            try (ConsumerGroupDrain drain = new ConsumerGroupDrain(kafka.clientProperties(), name,
                ConsumerGroupDrain.rawAndRepartitionTopics("tlsrpt.raw", name))) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(drain::drained);
            }
            whileRunning.accept(processor);
        }
    }
}

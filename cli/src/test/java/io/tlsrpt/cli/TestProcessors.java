package io.tlsrpt.cli;

import io.tlsrpt.cli.embedded.EmbeddedKafka;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.nio.file.Path;
import java.util.Properties;

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
}

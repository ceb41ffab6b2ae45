package io.tlsrpt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.processor.app.ProcessorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/configuration.md generated from the definitions (ProcessorConfig's keys, the connector's
 * ConfigDef) rather than hand-kept. Regenerate with {@code mvn -pl cli test -Dtest=ConfigurationReferenceTest
 * -Dtlsrpt.docs.update=true}.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    static String render() {
        return "# Configuration reference\n\n"
                + "Generated from the code by `ConfigurationReferenceTest` (cli module): do not edit by hand.\n"
                + "Regenerate with `mvn -pl cli test -Dtest=ConfigurationReferenceTest -Dtlsrpt.docs.update=true`.\n\n"
                + "## Stream processor (`io.tlsrpt.processor.app.ProcessorConfig`)\n\n"
                + "Read from a properties file given to the processor; every key can be overridden by the environment\n"
                + "variable shown. Keys starting with `streams.` are passed to Kafka Streams without the prefix; their\n"
                + "environment variables are `TLSRPT_STREAMS_<NAME>` (e.g. `TLSRPT_STREAMS_SASL_JAAS_CONFIG` for\n"
                + "`streams.sasl.jaas.config`). Their values are checked at start against the definitions of Kafka\n"
                + "Streams and its clients (also with the prefixes `producer.`, `consumer.`, `main.consumer.`,\n"
                + "`restore.consumer.`, `global.consumer.`, `admin.`) and reported with the other problems; a name\n"
                + "Kafka does not define is passed on unchecked (Kafka logs it as unused).\n\n"
                + ProcessorConfig.describe()
                + "\n## Ingest connector (`io.tlsrpt.connect.TlsRptSourceConnector`)\n\n"
                + "Kafka Connect connector configuration (`connector.class=io.tlsrpt.connect.TlsRptSourceConnector`).\n\n"
                + TlsRptSourceConfig.toMarkdown()
                + "\n## Alert notifier\n\n"
                + "See [alert-notifier/README.md](../alert-notifier/README.md) for its keys (`TLSRPT_NOTIFIER_*`).\n";
    }

    @Test
    void referenceMatchesTheCode() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("tlsrpt.docs.update")) {
            Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("docs/configuration.md is stale: regenerate it (see the class comment)").exists();
        assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void everyProcessorAndConnectorKeyIsDocumented() throws IOException {
        String reference = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        ProcessorConfig.keys().forEach(key -> assertThat(reference).contains("`" + key.name() + "`"));
        TlsRptSourceConfig.keyNames().forEach(key -> assertThat(reference).contains("`" + key + "`"));
    }
}

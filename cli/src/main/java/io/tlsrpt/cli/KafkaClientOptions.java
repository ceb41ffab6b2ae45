package io.tlsrpt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The cluster options of a command that reads or writes topics ({@code @Mixin}): {@code --bootstrap} and
 * {@code --client-config FILE} (security.protocol, sasl.*, ssl.*, as for Kafka's own tools; --bootstrap wins).
 */
public final class KafkaClientOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--client-config", paramLabel = "FILE",
        description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for a secured cluster.")
    Path clientConfig;

    /** The client settings; an unreadable --client-config is a usage error that names the file. */
    public Map<String, Object> properties() {
        return properties(bootstrap, clientConfig, mixee.commandLine());
    }

    /**
     * The client settings of {@code bootstrap} and the properties of {@code clientConfig} (null: none; an unreadable
     * one is a usage error of {@code commandLine} that names the file), for a command whose cluster is optional.
     */
    public static Map<String, Object> properties(String bootstrap, Path clientConfig, CommandLine commandLine) {
        Map<String, Object> client = new HashMap<>();
        if (clientConfig != null) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(clientConfig)) {
                props.load(in);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(commandLine,
                    "cannot read --client-config " + clientConfig + ": " + e.getMessage(), e);
            }
            props.stringPropertyNames().forEach(name -> client.put(name, props.getProperty(name)));
        }
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return client;
    }
}

package io.tlsrpt.cli.mailbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.connect.TlsRptSourceConfig;
import io.tlsrpt.connect.imap.MailboxCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tlsrpt check-mailbox}: the ingest connector's mailbox login, tried once from its configuration, before the
 * connector runs it.
 */
@Command(
    name = "check-mailbox",
    mixinStandardHelpOptions = true,
    description = {
        "Tries the IMAP mailbox login of an ingest connector's configuration once, as its task would: the OAuth "
            + "access token (imap.auth.mechanism=xoauth2), the login, and the folders (read only: nothing is "
            + "created, moved or flagged). Each step is printed with what it found, or why it failed (an expired "
            + "client secret, a permission not granted, the mailbox not shared with the application, a refused "
            + "password, an untrusted certificate).",
        "The file is the connector's: a .properties file (connect-standalone) or the JSON of the REST API (its "
            + "\"config\" object, or the object itself). Placeholders ${env:NAME}, ${file:PATH:KEY} and "
            + "${dir:PATH:FILE} are resolved as Kafka's EnvVar, File and Directory config providers do.",
    },
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
        "0:the login and the folder to read worked",
        "1:a step failed, or the configuration is not usable",
        "2:usage error",
    })
public final class CheckMailboxCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--connector-config", required = true, paramLabel = "FILE",
        description = "the connector's configuration (.properties or .json)")
    Path connectorConfig;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TlsRptSourceConfig config;
        try {
            config = new TlsRptSourceConfig(resolved(read(connectorConfig)));
        } catch (IOException | ConfigException e) {
            err.println(connectorConfig + ": " + e.getMessage());
            return 1;
        }
        if (!config.getBoolean(TlsRptSourceConfig.IMAP_ENABLED)) {
            err.println(connectorConfig + ": the connector reads no mailbox (" + TlsRptSourceConfig.IMAP_ENABLED
                + " is not true)");
            return 1;
        }
        List<MailboxCheck.Step> steps = MailboxCheck.run(config);
        int width = steps.stream().mapToInt(step -> step.what().length()).max().orElse(0);
        for (MailboxCheck.Step step : steps) {
            out.printf("%-6s %-" + width + "s  %s%n", step.ok() ? "ok" : "FAILED", step.what(), step.found());
        }
        out.flush();
        return steps.stream().allMatch(MailboxCheck.Step::ok) ? 0 : 1;
    }

    /** The file's keys and values: properties, or a JSON object (the REST API's body or its "config"). */
    static Map<String, String> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        Map<String, String> config = new HashMap<>();
        if (text.startsWith("{")) {
            JsonNode root = JSON.readTree(text);
            JsonNode object = root.has("config") ? root.get("config") : root;
            object.properties().forEach(field -> config.put(field.getKey(), field.getValue().asText()));
            return config;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        props.stringPropertyNames().forEach(key -> config.put(key, props.getProperty(key).strip()));
        return config;
    }

    /** The values with their ${provider:path:key} placeholders resolved, as a worker with these providers does. */
    static Map<String, String> resolved(Map<String, String> config) {
        Map<String, ConfigProvider> providers = Map.of("env", new EnvVarConfigProvider(),
            "file", new FileConfigProvider(), "dir", new DirectoryConfigProvider());
        providers.values().forEach(provider -> provider.configure(Map.of()));
        try {
            return new ConfigTransformer(providers).transform(config).data();
        } finally {
            providers.values().forEach(provider -> {
                try {
                    provider.close();
                } catch (IOException e) {
                    throw new ConfigException("closing a config provider failed: " + e.getMessage());
                }
            });
        }
    }
}

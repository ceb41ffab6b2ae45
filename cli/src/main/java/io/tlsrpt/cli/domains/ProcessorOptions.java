package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.cli.run.RunSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of the commands that ask a running stream processor's HTTP server ({@code domain},
 * {@code incidents}).
 */
final class ProcessorOptions {

    @Option(names = "--processor", paramLabel = "URL",
        defaultValue = "http://127.0.0.1:" + RunSettings.DEFAULT_METRICS_PORT,
        description = "Any stream processor instance's HTTP server (http.host:http.port; default: ${DEFAULT-VALUE}, "
            + "that of bin/tlsrpt run).")
    URI processor;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
        description = "text (a table) or json (the processor's answer as it is). Default: ${DEFAULT-VALUE}.")
    String format;

    @CommandLine.Mixin
    ProcessorAccess access;

    /**
     * Asks {@code --processor} for {@code pathAndQuery} (from the path on) and prints the answer: as it came with
     * {@code --format json}, else with {@code text}.
     *
     * @return the command's exit code: 0, or 1 when the processor gave no answer (said why on stderr)
     * @throws CommandLine.ParameterException for a --format, --wait, --token-file or --ca-file that cannot be used
     */
    int show(CommandLine.Model.CommandSpec spec, String command, String pathAndQuery,
             BiConsumer<JsonNode, PrintWriter> text) throws InterruptedException {
        JsonNode body = ask(spec, command, pathAndQuery);
        if (body == null) {
            return 1;
        }
        print(spec, body, text);
        return 0;
    }

    /**
     * Asks {@code --processor} for {@code pathAndQuery} (from the path on).
     *
     * @return its answer, or null when it gave none (said why on stderr)
     * @throws CommandLine.ParameterException for a --format, --wait, --token-file or --ca-file that cannot be used
     */
    JsonNode ask(CommandLine.Model.CommandSpec spec, String command, String pathAndQuery) throws InterruptedException {
        if (!format.equals("json") && !format.equals("text")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json");
        }
        return access.ask(spec, command, processor, pathAndQuery);
    }

    /** Prints an answer: as it came with {@code --format json}, else with {@code text}. */
    void print(CommandLine.Model.CommandSpec spec, JsonNode body, BiConsumer<JsonNode, PrintWriter> text) {
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
            out.println(body);
        } else {
            text.accept(body, out);
        }
        out.flush();
    }
}

package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a command reaches a running stream processor's HTTP server, whatever names the server ({@code --processor} of
 * {@link ProcessorOptions}, or of {@code tlsrpt domains}): its token, the authorities of its certificate, how long to
 * wait for it.
 */
final class ProcessorAccess {

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long to keep asking while the processor answers 503 (starting, or its tasks moving after an "
            + "instance left; as its Retry-After says) or nothing listens on its port yet (each second); 0: ask once. "
            + "Default: ${DEFAULT-VALUE}.")
    int waitSeconds;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "A file whose first line is the processor's query token (its http.domains.token.file, a "
            + "tenant's of http.domains.tenant.tokens.file, or an access token of the identity provider of its "
            + "http.domains.jwt.issuer), sent as Authorization: Bearer.")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "FILE",
        description = "PEM certificates of the authorities to trust for an https:// processor (a processor with "
            + "http.tls.certificate.file: its http.tls.ca.file, or a self-signed certificate's own file). Default: "
            + "the JVM's trusted authorities.")
    Path caFile;

    @Option(names = "--cert-file", paramLabel = "FILE",
        description = "A PEM certificate (intermediates after it) to present to a processor that asks clients for one "
            + "(its http.tls.client.ca.file), with --key-file.")
    Path certFile;

    @Option(names = "--key-file", paramLabel = "FILE",
        description = "The PEM private key of --cert-file, unencrypted PKCS#8 (BEGIN PRIVATE KEY).")
    Path keyFile;

    /**
     * Asks {@code processor} for {@code pathAndQuery} (from the path on).
     *
     * @return its answer, or null when it gave none (said why on stderr)
     * @throws CommandLine.ParameterException for a --wait, --token-file, --ca-file, --cert-file or --key-file that
     *                                        cannot be used
     */
    JsonNode ask(CommandLine.Model.CommandSpec spec, String command, URI processor, String pathAndQuery)
        throws InterruptedException {
        URI uri = URI.create(processor.toString().replaceAll("/+$", "") + pathAndQuery);
        return new ProcessorQuery(spec, command, uri, tokenFile, new ProcessorQuery.Tls(caFile, certFile, keyFile),
            waitSeconds).ask(spec.commandLine().getErr());
    }
}

package io.tlsrpt.cli.domains;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.tls.ServerCertificate;
import io.tlsrpt.tls.TrustedCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import picocli.CommandLine;

/**
 * One question to a running stream processor's HTTP server (its domain queries and incident lists), asked again
 * while it answers 503 (starting, its tasks moving: as its {@code Retry-After} says) or nothing listens on its port
 * yet, for up to {@code --wait} seconds.
 */
final class ProcessorQuery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final String command;
    private final URI uri;
    private final HttpRequest request;
    private final HttpClient client;
    private final int waitSeconds;

    /**
     * The TLS of a question over HTTPS.
     *
     * @param caFile   the authorities to trust (PEM); null for the JVM's
     * @param certFile the certificate to present when the processor asks for one (PEM); null for none
     * @param keyFile  its key (PEM); null exactly when {@code certFile} is
     */
    record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    /**
     * @param command   the command's name, which begins each line it prints on stderr
     * @param tokenFile a file whose first line is sent as {@code Authorization: Bearer}; null for none
     * @throws CommandLine.ParameterException when the token file, the authorities', the certificate or its key cannot
     *                                        be read or the wait is negative
     */
    ProcessorQuery(CommandLine.Model.CommandSpec spec, String command, URI uri, Path tokenFile, Tls tls,
                   int waitSeconds) {
        if (waitSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait must be 0 or more seconds");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (tokenFile != null) {
            try {
                builder.header("Authorization", "Bearer " + Files.readAllLines(tokenFile).stream().findFirst()
                    .orElse("").strip());
            } catch (IOException | UncheckedIOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--token-file " + tokenFile + ": "
                    + e.getMessage());
            }
        }
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if ((tls.certFile() == null) != (tls.keyFile() == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert-file and --key-file: both or neither");
        }
        if (tls.certFile() != null) {
            try {
                client.sslContext(ServerCertificate.fromPem(tls.certFile(), tls.keyFile(), Clock.systemUTC())
                    .clientContext(tls.caFile()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cert-file, --key-file or --ca-file: "
                    + e.getMessage());
            }
        } else if (tls.caFile() != null) {
            try {
                client.sslContext(TrustedCertificates.clientContext(tls.caFile()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ca-file " + e.getMessage());
            }
        }
        this.client = client.build();
        this.command = command;
        this.uri = uri;
        this.request = builder.build();
        this.waitSeconds = waitSeconds;
    }

    /** The JSON answer of a 200; null when there is none, after saying why on {@code err}. */
    JsonNode ask(PrintWriter err) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        HttpResponse<String> response;
        while (true) {
            long retryAfter;
            String why;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503) {
                    break;
                }
                // the processor says when to ask again (its tasks are being assigned or restored)
                retryAfter = response.headers().firstValueAsLong("Retry-After").orElse(1);
                why = "is not ready (503)";
            } catch (ConnectException e) {
                // nothing listens (yet): a restarting instance opens its port within seconds
                response = null;
                retryAfter = 1;
                why = "does not answer (" + e + ")";
            } catch (SSLException e) {
                err.println(command + ": no TLS connection to " + uri + " (" + e.getMessage() + "): --ca-file names"
                    + " the authorities of the processor's certificate (its http.tls.ca.file); a processor that asks"
                    + " clients for a certificate (http.tls.client.ca.file) needs --cert-file and --key-file");
                return null;
            } catch (IOException e) {
                err.println(command + ": " + uri + " did not answer: " + e);
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (response == null) {
                    err.println(command + ": " + uri + " " + why);
                    return null;
                }
                break;
            }
            long pause = Math.min(TimeUnit.SECONDS.toNanos(retryAfter), left);
            err.printf(Locale.ROOT, "%s: the processor %s; asking again in %.1f s%n", command, why, pause / 1e9);
            err.flush();
            TimeUnit.NANOSECONDS.sleep(pause);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            err.println(command + ": " + uri + " answered " + response.statusCode() + " but not with JSON: "
                + abbreviated(response.body()));
            return null;
        }
        if (response.statusCode() != 200) {
            err.println(command + ": " + response.statusCode() + " from " + uri + ": " + body.path("error").asText(
                abbreviated(response.body())));
            return null;
        }
        return body;
    }

    /** The first day of an instant's text ({@code 2026-11-27T00:00:00Z}: {@code 2026-11-27}). */
    static String day(JsonNode instant) {
        String text = instant.asText();
        return text.length() >= 10 ? text.substring(0, 10) : text;
    }

    private static String abbreviated(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}

package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI 3.1 description of the processor's HTTP endpoints ({@value #RESOURCE} in this jar), served at
 * {@value #PATH} without a token (it holds no data): for a portal to generate its client from, or to check answers
 * against. Tests hold the real answers to its schemas (DomainQueryIT, the instances' own).
 */
final class QueryApiDescription {

    static final String PATH = "/v1/openapi.json";
    static final String RESOURCE = "/io/tlsrpt/processor/app/openapi.json";

    private static final String TEXT = read();

    private QueryApiDescription() {
    }

    /** The description's JSON text. */
    static String text() {
        return TEXT;
    }

    /** Answers {@value #PATH} with it, anything below it 404. */
    static void serve(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals(PATH)) {
            QueryAnswer.error(404, "no such path: " + PATH + " describes the endpoints").send(exchange);
            return;
        }
        HttpEndpoints.respond(exchange, 200, "application/json", TEXT);
    }

    private static String read() {
        try (InputStream in = QueryApiDescription.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

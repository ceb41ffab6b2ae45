package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** A query endpoint's answer: an HTTP status and a JSON body. */
record QueryAnswer(int status, String body) {

    /** {@code {"error": message}} with {@code status}. */
    static QueryAnswer error(int status, String message) {
        return new QueryAnswer(status, DomainStateJson.error(message));
    }

    /** Sends it, with {@code Retry-After} on a 503 (a rebalance or a start: worth asking again soon). */
    void send(HttpExchange exchange) throws IOException {
        if (status == 503) {
            exchange.getResponseHeaders().set("Retry-After", DomainQueryEndpoint.RETRY_AFTER_SECONDS);
        }
        HttpEndpoints.respond(exchange, status, "application/json", body);
    }
}

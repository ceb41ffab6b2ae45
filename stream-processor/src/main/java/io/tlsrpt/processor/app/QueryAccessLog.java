package io.tlsrpt.processor.app;

import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered query on the logger {@value #LOGGER}: what was asked (the path and query, never the token),
 * the status, how long it took, who asked it (the client, behind {@code http.trusted.proxies} the one they forwarded)
 * and as whom (the operator's token, a tenant's, anyone when no token is asked for, or why none was taken), and whether
 * another instance forwarded it for its caller. A provider whose customers ask with their own tokens can then say
 * which customer read what, from where. Off with the logger at WARN ({@code TLSRPT_ACCESS_LOG_LEVEL=WARN} in the app
 * image).
 */
final class QueryAccessLog {

    static final String LOGGER = "io.tlsrpt.processor.access";

    /** The exchange's attributes the token check sets: the client's address and as whom it asked. */
    private static final String CLIENT = "tlsrpt.client";
    private static final String CALLER = "tlsrpt.caller";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private QueryAccessLog() {
    }

    /** The request's client, as the token check and the wrong tokens' limit judge it. */
    static void client(HttpExchange exchange, String client) {
        exchange.setAttribute(CLIENT, client);
    }

    /** As whom the request asked: "operator", "tenant NAME", "anyone" (no token asked for), or why not. */
    static void caller(HttpExchange exchange, String caller) {
        exchange.setAttribute(CALLER, caller);
    }

    /** The line of an answer ({@code status} -1: none was sent, the exchange failed first). */
    static void answered(HttpExchange exchange, int status, boolean forwarded, Duration took) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        Object client = exchange.getAttribute(CLIENT);
        Object caller = exchange.getAttribute(CALLER);
        LOG.info("{} {}{} {} {} ms client {} as {}{}", exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), query == null ? "" : "?" + query,
                status < 0 ? "(none)" : Integer.toString(status), took.toMillis(),
                client != null ? client : exchange.getRemoteAddress().getAddress().getHostAddress(),
                caller != null ? caller : "(not asked)", forwarded ? ", forwarded by another instance" : "");
    }
}

package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/**
 * {@code tlsrpt_queries_total{endpoint,status,forwarded}}: each answer of the domain queries ({@code domain}), the
 * domain lists ({@code domains}) and the
 * incident lists ({@code incidents}) by HTTP status; {@code forwarded} is {@code true} for a request another
 * instance sent on behalf of its caller (counted there too), so that a sum over {@code forwarded="false"} counts each
 * caller's request once. {@code tlsrpt_query_duration_seconds{endpoint,forwarded}}: how long each answer took, from the
 * request's headers read to the answer sent (a caller's incident list includes the other instances' answers), with
 * buckets at the times a portal notices, so that Prometheus gives its percentiles.
 */
public final class QueryMetrics {

    static final String QUERIES = "tlsrpt.queries";
    static final String DURATION = "tlsrpt.query.duration";
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)};
    public static final List<String> ENDPOINTS = List.of("domain", "domains", "incidents");
    /**
     * The statuses the endpoints answer with: 400 a bad name or parameter, 401 no or a wrong token, 403 a tenant's token
     * asking another tenant's list, 404 nothing kept, 429 too many wrong tokens from the address, 502 another instance
     * did not answer, 503 starting or moving.
     */
    public static final List<String> STATUSES = List.of("200", "400", "401", "403", "404", "405", "429", "500", "502",
            "503");

    private final MeterRegistry registry;

    /** Registers, at 0, the series the rules watch (the answers that say an instance did not answer another). */
    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String endpoint : ENDPOINTS) {
            counter(endpoint, "200", false);
            counter(endpoint, "502", false);
            timer(endpoint, false);
        }
    }

    /** One answer, which took {@code took}; {@code status} -1 when none was sent (the exchange failed first). */
    void answered(String endpoint, int status, boolean forwarded, Duration took) {
        counter(endpoint, status < 0 ? "none" : Integer.toString(status), forwarded).increment();
        timer(endpoint, forwarded).record(took);
    }

    private Timer timer(String endpoint, boolean forwarded) {
        return Timer.builder(DURATION).description("time to answer a domain query or an incident list")
                .tags("endpoint", endpoint, "forwarded", Boolean.toString(forwarded))
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    private Counter counter(String endpoint, String status, boolean forwarded) {
        return Counter.builder(QUERIES).description("answers of the domain queries and incident lists")
                .tags("endpoint", endpoint, "status", status, "forwarded", Boolean.toString(forwarded))
                .register(registry);
    }
}

package io.tlsrpt.processor.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tlsrpt.oauth.JsonWebKeys;

/**
 * The identity provider's key set of the queries' JWTs ({@code http.domains.jwt.jwks.url}), for the rule that says when
 * it cannot be read: {@code tlsrpt_query_jwt_keyset_reads_total{result="ok|failed"}},
 * {@code tlsrpt_query_jwt_keyset_last_read_failed} (1 while the latest read failed: the keys in force are older, and a
 * key the provider rolled over to since is not known, so the tokens it signs are refused) and
 * {@code tlsrpt_query_jwt_keyset_keys} (the signing keys held).
 */
public final class QueryKeySetMetrics {
    static final String READS = "tlsrpt.query.jwt.keyset.reads";
    static final String LAST_READ_FAILED = "tlsrpt.query.jwt.keyset.last.read.failed";
    static final String KEYS = "tlsrpt.query.jwt.keyset.keys";

    private QueryKeySetMetrics() {
    }

    public static void bind(MeterRegistry registry, JsonWebKeys keys) {
        FunctionCounter.builder(READS, keys, JsonWebKeys::readsSucceeded).tag("result", "ok")
                .description("reads of the identity provider's key set").register(registry);
        FunctionCounter.builder(READS, keys, JsonWebKeys::readsFailed).tag("result", "failed")
                .description("reads of the identity provider's key set").register(registry);
        Gauge.builder(LAST_READ_FAILED, keys, k -> k.lastReadFailed() ? 1 : 0)
                .description("1 while the latest read of the identity provider's key set failed").register(registry);
        Gauge.builder(KEYS, keys, JsonWebKeys::held).description("signing keys of the identity provider held")
                .register(registry);
    }
}

package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tlsrpt.testkafka.TestTokenEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key set's reads as the processor counts them, against a real HTTPS identity provider on 127.0.0.1. */
class QueryKeySetMetricsTest {
    @TempDir
    Path dir;

    @Test
    void readsAreCountedAndAFailedLatestReadShowsUntilOneSucceeds() throws Exception {
        try (TestTokenEndpoint provider = new TestTokenEndpoint(dir, request -> new TestTokenEndpoint.Answer(400,
                "{}"))) {
            Properties props = new Properties();
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ISSUER, "https://login.example/tenant/v2.0");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_AUDIENCE, "api://tlsrpt-queries");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_JWKS_URL, provider.jwksUri().toString());
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CA_FILE, provider.caFile().toString());
            AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T15:00:00Z"));
            InstantSource clock = now::get;
            QueryJwts jwts = ProcessorConfig.fromProperties(props).queryJwts(clock).orElseThrow();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            QueryKeySetMetrics.bind(registry, jwts.keys());
            assertThat(registry.get(QueryKeySetMetrics.KEYS).gauge().value()).as("none read before a token").isZero();

            assertThat(jwts.access(provider.jwt(claims(now.get()))))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(reads(registry, "ok")).isEqualTo(1);
            assertThat(registry.get(QueryKeySetMetrics.LAST_READ_FAILED).gauge().value()).isZero();
            assertThat(registry.get(QueryKeySetMetrics.KEYS).gauge().value()).isEqualTo(1);

            // the provider breaks: the hourly read fails beside the request, which the key held still answers
            provider.jwks("<html>maintenance</html>");
            now.set(now.get().plus(Duration.ofMinutes(61)));
            assertThat(jwts.access(provider.jwt(claims(now.get()))))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> reads(registry, "failed") == 1);
            assertThat(registry.get(QueryKeySetMetrics.LAST_READ_FAILED).gauge().value()).isEqualTo(1);
            assertThat(registry.get(QueryKeySetMetrics.KEYS).gauge().value()).as("the keys read before").isEqualTo(1);

            provider.jwks(TestTokenEndpoint.keySet());   // mended, and empty: read, and no key held
            now.set(now.get().plus(Duration.ofMinutes(61)));
            jwts.access(provider.jwt(claims(now.get())));
            await().atMost(Duration.ofSeconds(20)).until(() -> reads(registry, "ok") == 2);
            assertThat(registry.get(QueryKeySetMetrics.LAST_READ_FAILED).gauge().value()).isZero();
            assertThat(registry.get(QueryKeySetMetrics.KEYS).gauge().value()).isZero();
        }
    }

    private static String claims(Instant now) {
        return "\"iss\":\"https://login.example/tenant/v2.0\",\"aud\":\"api://tlsrpt-queries\",\"exp\":"
                + (now.getEpochSecond() + 3600) + ",\"nbf\":" + now.getEpochSecond()
                + ",\"roles\":[\"tlsrpt.operator\"]";
    }

    private static double reads(SimpleMeterRegistry registry, String result) {
        return registry.get(QueryKeySetMetrics.READS).tag("result", result).functionCounter().count();
    }
}

package io.tlsrpt.oauth;

import io.tlsrpt.testkafka.TestTokenEndpoint;
import io.tlsrpt.tls.TrustedCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token endpoint's grants and answers, against a real HTTPS endpoint on 127.0.0.1, on a clock the test moves. */
class TokenEndpointTest {
    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T18:00:00Z"));
    private final InstantSource clock = now::get;
    private TestTokenEndpoint server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TokenEndpoint endpoint(Function<TestTokenEndpoint.Request, TestTokenEndpoint.Answer> answers,
                                   String secret, String refreshToken,
                                   ClientGrant.ClientAuthentication authentication) throws Exception {
        server = new TestTokenEndpoint(dir, answers);
        return TokenEndpoint.forClient(server.uri(), "app-1", () -> secret, null, refreshToken,
                "https://outlook.office365.com/.default", authentication,
                TrustedCertificates.clientContext(server.caFile()), Duration.ofSeconds(10), clock);
    }

    @Test
    void clientCredentialsAreAskedOnceAndAgainBeforeTheTokenExpiresOrWhenRefused() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        TokenEndpoint tokens = endpoint(request -> TestTokenEndpoint.bearer("tok-" + issued.incrementAndGet(), 3600),
                "s3cret&=", "", ClientGrant.ClientAuthentication.POST);

        AccessToken first = tokens.current();
        assertThat(first.value()).isEqualTo("tok-1");
        assertThat(first.expires()).isEqualTo(now.get().plusSeconds(3600));
        assertThat(first.renewAt()).isEqualTo(now.get().plusSeconds(3600 - 300));
        assertThat(server.requests()).singleElement().satisfies(request -> {
            assertThat(request.form()).isEqualTo(Map.of("grant_type", "client_credentials", "client_id", "app-1",
                    "client_secret", "s3cret&=", "scope", "https://outlook.office365.com/.default"));
            assertThat(request.contentType()).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.authorization()).isNull();
        });

        now.set(now.get().plusSeconds(3000));
        assertThat(tokens.current()).isSameAs(first);           // kept until 5 minutes before it expires
        now.set(now.get().plusSeconds(300));
        AccessToken second = tokens.current();
        assertThat(second.value()).isEqualTo("tok-2");

        tokens.rejected(first);                                 // an older token refused: the kept one stays
        assertThat(tokens.current()).isSameAs(second);
        tokens.rejected(second);
        assertThat(tokens.current().value()).isEqualTo("tok-3");
        assertThat(tokens.obtainedCount()).isEqualTo(3);
        assertThat(tokens.failedCount()).isZero();
        assertThat(server.requests()).hasSize(3);
        assertThat(tokens.describe()).contains(server.uri().toString(), "client_credentials").doesNotContain("s3cret");
        assertThat(first.toString()).doesNotContain("tok-1");
    }

    @Test
    void basicAuthenticationSendsTheSecretInTheHeaderOnly() throws Exception {
        TokenEndpoint tokens = endpoint(request -> TestTokenEndpoint.bearer("tok", 3600), "a:b c",
                "", ClientGrant.ClientAuthentication.BASIC);
        tokens.current();
        TestTokenEndpoint.Request request = server.requests().get(0);
        assertThat(request.form()).containsOnlyKeys("grant_type", "scope");
        assertThat(new String(Base64.getDecoder().decode(request.authorization().substring("Basic ".length())),
                StandardCharsets.UTF_8)).isEqualTo("app-1:a%3Ab+c");   // RFC 6749 2.3.1: form-encoded first
    }

    @Test
    void aRefreshTokenTheEndpointRotatesIsUsedFromThenOn() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        TokenEndpoint tokens = endpoint(request -> {
            int n = issued.incrementAndGet();
            return new TestTokenEndpoint.Answer(200, "{\"token_type\":\"bearer\",\"expires_in\":\"600\","
                    + "\"access_token\":\"ya29.tok-" + n + "\",\"refresh_token\":\"refresh-" + (n + 1) + "\"}");
        }, "", "refresh-1", ClientGrant.ClientAuthentication.POST);

        AccessToken first = tokens.current();
        assertThat(first.value()).isEqualTo("ya29.tok-1");
        assertThat(first.renewAt()).isEqualTo(now.get().plusSeconds(600 - 150));   // a quarter of 10 minutes early
        now.set(first.renewAt());
        assertThat(tokens.current().value()).isEqualTo("ya29.tok-2");
        assertThat(server.requests()).extracting(TestTokenEndpoint.Request::form).containsExactly(
                Map.of("grant_type", "refresh_token", "refresh_token", "refresh-1", "client_id", "app-1",
                        "scope", "https://outlook.office365.com/.default"),
                Map.of("grant_type", "refresh_token", "refresh_token", "refresh-2", "client_id", "app-1",
                        "scope", "https://outlook.office365.com/.default"));
    }

    @Test
    void aRefusalIsReportedWithTheEndpointsWordsMadePrintableAndNoSecret() throws Exception {
        TokenEndpoint tokens = endpoint(request -> new TestTokenEndpoint.Answer(401, "{\"error\":\"invalid_client\","
                + "\"error_description\":\"AADSTS7000215: Invalid client secret provided.\\u001b[31m\\r\\nforged\","
                + "\"error_codes\":[7000215]}"), "wrong-secret", "", ClientGrant.ClientAuthentication.POST);
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class)
                .hasMessageContaining("HTTP 401, invalid_client (AADSTS7000215: Invalid client secret provided. "
                        + "[31m  forged)")
                .hasMessageNotContaining("wrong-secret").hasMessageNotContaining("\u001b");
        assertThat(tokens.failedCount()).isEqualTo(1);
        assertThat(tokens.obtainedCount()).isZero();
    }

    /** Past the longest wait after a request that gave no token: the endpoint is asked again whatever came before. */
    private void later() {
        now.set(now.get().plus(TokenEndpoint.LONGEST_WAIT));
    }

    @Test
    void afterAFailureTheEndpointIsNotAskedAgainForAWhileLongerEachTime() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean(true);
        TokenEndpoint tokens = endpoint(request -> refuse.get() ? new TestTokenEndpoint.Answer(401,
                "{\"error\":\"invalid_client\"}") : TestTokenEndpoint.bearer("tok", 3600), "expired-secret", "",
                ClientGrant.ClientAuthentication.POST);
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class);
        now.set(now.get().plusSeconds(29));
        assertThatThrownBy(tokens::current).as("the refusal again, not asked").isInstanceOf(TokenRefusedException.class)
                .hasMessageContaining("invalid_client").hasMessageContaining("not asked again before");
        assertThat(server.requests()).hasSize(1);
        now.set(now.get().plusSeconds(1));
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class);
        assertThat(server.requests()).as("asked again after 30 s").hasSize(2);
        now.set(now.get().plusSeconds(59));
        assertThatThrownBy(tokens::current).hasMessageContaining("not asked again before");
        now.set(now.get().plusSeconds(1));
        refuse.set(false);
        assertThat(tokens.current().value()).as("then after a minute").isEqualTo("tok");
        assertThat(server.requests()).hasSize(3);
        assertThat(tokens.failedCount()).as("requests made, not the refusals told again").isEqualTo(2);

        tokens.rejected(tokens.current());
        refuse.set(true);
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class);
        now.set(now.get().plusSeconds(30));
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class);
        assertThat(server.requests()).as("a success starts the waits over at 30 s").hasSize(5);
    }

    @Test
    void anEndpointThatFailsForNowIsNoRefusal() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        TokenEndpoint tokens = endpoint(request -> new TestTokenEndpoint.Answer(status.get(),
                "{\"error\":\"temporarily_unavailable\"}"), "s", "", ClientGrant.ClientAuthentication.POST);
        assertThatThrownBy(tokens::current).isInstanceOf(IOException.class)
                .isNotInstanceOf(TokenRefusedException.class).hasMessageContaining("HTTP 503, temporarily_unavailable");
        later();
        status.set(429);
        assertThatThrownBy(tokens::current).isNotInstanceOf(TokenRefusedException.class);
        later();
        status.set(400);
        assertThatThrownBy(tokens::current).isInstanceOf(TokenRefusedException.class);
        assertThat(tokens.failedCount()).isEqualTo(3);
    }

    @Test
    void answersThatAreNoBearerTokenAreRefused() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>();
        TokenEndpoint tokens = endpoint(request -> new TestTokenEndpoint.Answer(200, answer.get()), "s", "",
                ClientGrant.ClientAuthentication.POST);
        answer.set("{\"token_type\":\"mac\",\"access_token\":\"tok\"}");
        assertThatThrownBy(tokens::current).hasMessageContaining("of type mac, not Bearer");
        later();
        answer.set("{\"token_type\":\"Bearer\",\"access_token\":\"tok\\r\\nA2 LOGOUT\"}");
        assertThatThrownBy(tokens::current).hasMessageContaining("no usable access_token");
        later();
        answer.set("{\"token_type\":\"Bearer\",\"expires_in\":\"soon\",\"access_token\":\"tok\"}");
        assertThatThrownBy(tokens::current).hasMessageContaining("expires_in soon, not seconds");
        later();
        answer.set("{\"token_type\":\"Bearer\",\"access_token\":\"" + "a".repeat(TokenEndpoint.MAX_ANSWER_BYTES)
                + "\"}");
        assertThatThrownBy(tokens::current).hasMessageContaining("more than 65536 bytes");
        later();
        answer.set("<html>sign in</html>");
        assertThatThrownBy(tokens::current).hasMessageContaining("no usable access_token");
        assertThat(tokens.failedCount()).isEqualTo(5);

        later();
        answer.set("{\"access_token\":\"tok\"}");                  // no type, no lifetime: kept until refused
        AccessToken token = tokens.current();
        assertThat(token.expires()).isNull();
        assertThat(token.renewAt()).isNull();
        now.set(now.get().plus(Duration.ofDays(30)));
        assertThat(tokens.current()).isSameAs(token);
    }

    /** A secret rotated in place (a file read again when it changes) is sent from the next request on. */
    @Test
    void theSecretOfTheMomentIsSentAtEachRequest() throws Exception {
        AtomicReference<String> secret = new AtomicReference<>("s3cret-1");
        server = new TestTokenEndpoint(dir, request -> TestTokenEndpoint.bearer("tok", 600));
        TokenEndpoint tokens = TokenEndpoint.forClient(server.uri(), "app-1", secret::get, null, "", "",
                ClientGrant.ClientAuthentication.POST, TrustedCertificates.clientContext(server.caFile()),
                Duration.ofSeconds(10), clock);
        AccessToken first = tokens.current();
        secret.set("s3cret-2");
        now.set(first.renewAt());
        tokens.current();
        assertThat(server.requests()).extracting(r -> r.form().get("client_secret"))
                .containsExactly("s3cret-1", "s3cret-2");
    }

    @Test
    void anEndpointWhoseCertificateIsNotTrustedGivesNoToken() throws Exception {
        server = new TestTokenEndpoint(dir, request -> TestTokenEndpoint.bearer("tok", 3600));
        TokenEndpoint tokens = new TokenEndpoint(server.uri(), ClientGrant.clientCredentials("app-1", "s", "",
                ClientGrant.ClientAuthentication.POST), SSLContext.getDefault(), Duration.ofSeconds(10), clock);
        assertThatThrownBy(tokens::current).isInstanceOf(IOException.class);
        assertThat(server.requests()).isEmpty();
        assertThat(tokens.failedCount()).isEqualTo(1);
    }
}

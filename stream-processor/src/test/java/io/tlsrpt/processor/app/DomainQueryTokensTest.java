package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tlsrpt.net.ClientAddresses;
import io.tlsrpt.testkafka.TestTokenEndpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may ask the domain queries what: the operator everything, a tenant its own domains, nobody else anything. */
class DomainQueryTokensTest {

    private static final String OPERATOR = "operator-0123456789";
    private static final String ACME = "acme-token-0123456789";
    private static final String GLOBEX = "globex-token-0123456789";

    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class Moving implements InstantSource {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    private Path tenants(String text, Instant modified) throws Exception {
        Path file = dir.resolve("tenant-tokens");
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    @Test
    void withoutTokensEveryoneMayAskEverything() {
        DomainQueryTokens none = new DomainQueryTokens(Optional.empty(), Optional.empty(), Clock.systemUTC());
        assertThat(none.required()).isFalse();
        assertThat(none.access(null)).isInstanceOf(DomainQueryTokens.Everything.class);
    }

    @Test
    void theOperatorEverythingATenantItsOwnOthersNothing() throws Exception {
        Moving clock = new Moving();
        DomainQueryTokens tokens = new DomainQueryTokens(Optional.of(OPERATOR), Optional.of(tenants(
            "# tenant token\nacme " + ACME + "\n\nglobex   " + GLOBEX + "  # rotated 2026-12\n", clock.now)), clock);

        assertThat(tokens.required()).isTrue();
        assertThat(tokens.access("Bearer " + OPERATOR)).isInstanceOf(DomainQueryTokens.Everything.class);
        assertThat(tokens.access("Bearer " + ACME)).isEqualTo(new DomainQueryTokens.OneTenant("acme"));
        assertThat(tokens.access("Bearer " + GLOBEX)).isEqualTo(new DomainQueryTokens.OneTenant("globex"));
        assertThat(tokens.access(null)).isInstanceOf(DomainQueryTokens.Denied.class);
        assertThat(tokens.access(ACME)).as("without the scheme").isInstanceOf(DomainQueryTokens.Denied.class);
        assertThat(tokens.access("Bearer " + ACME + "x")).isInstanceOf(DomainQueryTokens.Denied.class);
        assertThat(tokens.access("Bearer acme")).isInstanceOf(DomainQueryTokens.Denied.class);
    }

    @Test
    void theTenantsFileIsReadAgainWhenItChangesAndABadOneLeavesTheLastInForce() throws Exception {
        Moving clock = new Moving();
        Instant written = clock.now;
        Path file = tenants("acme " + ACME + "\n", written);
        DomainQueryTokens tokens = new DomainQueryTokens(Optional.empty(), Optional.of(file), clock);
        assertThat(tokens.access("Bearer " + GLOBEX)).isInstanceOf(DomainQueryTokens.Denied.class);

        tenants("acme " + ACME + "\nglobex " + GLOBEX + "\n", written.plusSeconds(60));
        assertThat(tokens.access("Bearer " + GLOBEX)).as("not looked at again yet")
            .isInstanceOf(DomainQueryTokens.Denied.class);
        clock.now = clock.now.plus(DomainQueryTokens.RECHECK_INTERVAL);
        assertThat(tokens.access("Bearer " + GLOBEX)).as("a customer added")
            .isEqualTo(new DomainQueryTokens.OneTenant("globex"));

        tenants("globex " + GLOBEX + "\n", written.plusSeconds(120));
        clock.now = clock.now.plus(DomainQueryTokens.RECHECK_INTERVAL);
        assertThat(tokens.access("Bearer " + ACME)).as("a token withdrawn").isInstanceOf(DomainQueryTokens.Denied.class);

        tenants("globex short\n", written.plusSeconds(180));
        clock.now = clock.now.plus(DomainQueryTokens.RECHECK_INTERVAL);
        assertThat(tokens.access("Bearer " + GLOBEX)).as("a bad file: the last good tokens stay")
            .isEqualTo(new DomainQueryTokens.OneTenant("globex"));
    }

    /**
     * http.domains.jwt.*: an identity provider's access tokens (a real HTTPS key set endpoint) beside the files'
     * tokens: its operator role asks everything, its tenant claim that tenant's domains, others nothing, with the
     * reason for the access log.
     */
    @Test
    void anIdentityProvidersTokensAreTakenByTheirRoleOrTenantClaim() throws Exception {
        try (TestTokenEndpoint provider = new TestTokenEndpoint(dir.resolve("idp"),
                request -> new TestTokenEndpoint.Answer(400, "{}"))) {
            Properties props = new Properties();
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ISSUER, "https://login.example/tenant/v2.0");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_AUDIENCE, "api://tlsrpt-queries");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_JWKS_URL, provider.jwksUri().toString());
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CA_FILE, provider.caFile().toString());
            Moving clock = new Moving();
            DomainQueryTokens tokens = new DomainQueryTokens(Optional.empty(), Optional.of(tenants(
                    "acme " + ACME + "\n", clock.now)), ProcessorConfig.fromProperties(props).queryJwts(clock),
                    clock, new FailedTokens(0, 1, 1, System::nanoTime), new ClientAddresses(List.of()));
            long now = clock.now.getEpochSecond();
            String valid = "\"iss\":\"https://login.example/tenant/v2.0\",\"aud\":\"api://tlsrpt-queries\","
                    + "\"exp\":" + (now + 3600) + ",\"nbf\":" + now;

            assertThat(tokens.access("Bearer " + provider.jwt(valid + ",\"roles\":[\"tlsrpt.operator\"]")))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(tokens.access("Bearer " + provider.jwt(valid + ",\"tlsrpt_tenant\":\"globex\"")))
                    .isEqualTo(new DomainQueryTokens.OneTenant("globex"));
            assertThat(tokens.access("Bearer " + ACME)).as("the files' tokens still")
                    .isEqualTo(new DomainQueryTokens.OneTenant("acme"));
            assertThat(tokens.access("Bearer " + provider.jwt(valid + ",\"roles\":[\"reader\"]")))
                    .isEqualTo(new DomainQueryTokens.Denied(
                            "a JWT with neither the role tlsrpt.operator nor a tenant in tlsrpt_tenant"));
            assertThat(tokens.access("Bearer " + provider.jwt(valid.replace("api://tlsrpt-queries", "api://other")
                    + ",\"tlsrpt_tenant\":\"globex\""))).isEqualTo(new DomainQueryTokens.Denied(
                            "a JWT not taken: for api://other, not api://tlsrpt-queries"));
            assertThat(tokens.access("Bearer " + provider.jwt(valid + ",\"tlsrpt_tenant\":\"../etc\"")))
                    .as("a tenant claim that is no tenant name").isInstanceOf(DomainQueryTokens.Denied.class);
            clock.now = clock.now.plusSeconds(3661);
            assertThat(tokens.access("Bearer " + provider.jwt(valid + ",\"tlsrpt_tenant\":\"globex\"")))
                    .isEqualTo(new DomainQueryTokens.Denied("a JWT not taken: expired"));
            await("once, and again an hour on, beside the request").atMost(Duration.ofSeconds(20))
                    .until(() -> provider.jwksRequests() == 2);

            // Keycloak: the operator by a realm role, nested in realm_access (no mapper to a top-level claim)
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ROLES_CLAIM, "realm_access.roles");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ALGORITHMS, "rs256, ES256");
            DomainQueryTokens keycloak = new DomainQueryTokens(Optional.empty(), Optional.empty(),
                    ProcessorConfig.fromProperties(props).queryJwts(clock), clock,
                    new FailedTokens(0, 1, 1, System::nanoTime), new ClientAddresses(List.of()));
            long then = clock.now.getEpochSecond();
            String later = "\"iss\":\"https://login.example/tenant/v2.0\",\"aud\":\"api://tlsrpt-queries\","
                    + "\"exp\":" + (then + 3600) + ",\"nbf\":" + then;
            assertThat(keycloak.access("Bearer " + provider.jwt(later
                    + ",\"realm_access\":{\"roles\":[\"offline_access\",\"tlsrpt.operator\"]}")))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(keycloak.access("Bearer " + provider.jwt(later + ",\"roles\":[\"tlsrpt.operator\"]")))
                    .as("the top-level roles are not the realm's").isInstanceOf(DomainQueryTokens.Denied.class);

            // a scope asked for: Entra ID's delegated tokens carry it in scp, RFC 9068's in scope, Okta's as a list
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_SCOPE, "Domains.Read");
            DomainQueryTokens scoped = new DomainQueryTokens(Optional.empty(), Optional.empty(),
                    ProcessorConfig.fromProperties(props).queryJwts(clock), clock,
                    new FailedTokens(0, 1, 1, System::nanoTime), new ClientAddresses(List.of()));
            String operator = later + ",\"realm_access\":{\"roles\":[\"tlsrpt.operator\"]}";
            assertThat(scoped.access("Bearer " + provider.jwt(operator + ",\"scp\":\"User.Read Domains.Read\"")))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(scoped.access("Bearer " + provider.jwt(operator + ",\"scope\":\"openid Domains.Read\"")))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(scoped.access("Bearer " + provider.jwt(operator + ",\"scp\":[\"Domains.Read\"]")))
                    .isInstanceOf(DomainQueryTokens.Everything.class);
            assertThat(scoped.access("Bearer "
                    + provider.jwt(operator + ",\"scp\":\"User.Read Domains.ReadWrite\"")))
                    .as("a token for the same audience with other scopes only")
                    .isEqualTo(new DomainQueryTokens.Denied("a JWT without the scope Domains.Read"));
            assertThat(scoped.access("Bearer " + provider.jwt(operator)))
                    .as("an application's own token (client credentials) carries roles, no scopes")
                    .isInstanceOf(DomainQueryTokens.Everything.class);

            // clients named: Entra ID's v2.0 tokens name theirs in azp, its v1.0 ones in appid, Okta's in cid
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_SCOPE, "");
            props.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CLIENTS, " portal-app , oncall-app,");
            DomainQueryTokens ofClients = new DomainQueryTokens(Optional.empty(), Optional.empty(),
                    ProcessorConfig.fromProperties(props).queryJwts(clock), clock,
                    new FailedTokens(0, 1, 1, System::nanoTime), new ClientAddresses(List.of()));
            for (String client : List.of("\"azp\":\"portal-app\"", "\"client_id\":\"oncall-app\"",
                    "\"appid\":\"oncall-app\"", "\"cid\":\"portal-app\"")) {
                assertThat(ofClients.access("Bearer " + provider.jwt(operator + "," + client))).as(client)
                        .isInstanceOf(DomainQueryTokens.Everything.class);
            }
            assertThat(ofClients.access("Bearer " + provider.jwt(operator
                    + ",\"azp\":\"other-app\\u0007\",\"appid\":\"portal-app\"")))
                    .as("the first client claim present decides; its words made printable for the log")
                    .isEqualTo(new DomainQueryTokens.Denied("a JWT of the client other-app , not one of "
                            + "http.domains.jwt.clients"));
            assertThat(ofClients.access("Bearer " + provider.jwt(operator))).isEqualTo(new DomainQueryTokens.Denied(
                    "a JWT that names no client (azp, client_id, appid, cid)"));
            assertThat(ofClients.access("Bearer " + provider.jwt(operator
                    + ",\"azp\":[\"other-app\"],\"client_id\":\"portal-app\"")))
                    .as("an azp that is no name is not passed over for the claims after it")
                    .isEqualTo(new DomainQueryTokens.Denied("a JWT that names no client (azp, client_id, appid, cid)"));
            assertThat(ofClients.access("Bearer " + provider.jwt(operator + ",\"azp\":\"\",\"cid\":\"portal-app\"")))
                    .as("nor is an empty one").isInstanceOf(DomainQueryTokens.Denied.class);
        }
        Properties half = new Properties();
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ISSUER, "https://login.example/tenant/v2.0");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half)).hasMessageContaining("all three or none");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_AUDIENCE, "api://tlsrpt-queries");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_JWKS_URL, "http://login.example/keys");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half))
                .hasMessageContaining("http.domains.jwt.jwks.url: must be an https URL");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_JWKS_URL, "https://login.example/keys");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ALGORITHMS, "RS256,HS256");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half)).hasMessageContaining(
                "http.domains.jwt.algorithms: not a public-key JWS algorithm (RS256, RS384, RS512, PS256, PS384, PS512,"
                        + " ES256, ES384, ES512): HS256");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_ALGORITHMS, " , ");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half))
                .hasMessageContaining("http.domains.jwt.algorithms: at least one");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_SCOPE, "Domains.Read Reports.Read");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half)).hasMessageContaining(
                "http.domains.jwt.scope: one scope, of printable ASCII characters other than space, \" and \\ "
                        + "(RFC 6749 section 3.3): Domains.Read Reports.Read");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_SCOPE, "");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CLIENTS, " , ,");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half)).hasMessageContaining(
                "http.domains.jwt.clients: no client id among the commas (leave it empty for any client)");
        Properties clientsAlone = new Properties();
        clientsAlone.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CLIENTS, "portal-app");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(clientsAlone)).hasMessageContaining(
                "http.domains.jwt.clients: only with http.domains.jwt.issuer, http.domains.jwt.audience and "
                        + "http.domains.jwt.jwks.url (no JWT is taken without them)");
        half.setProperty(ProcessorConfig.HTTP_DOMAINS_JWT_CLIENTS, "portal-app,on call");
        assertThatThrownBy(() -> ProcessorConfig.fromProperties(half)).hasMessageContaining(
                "http.domains.jwt.clients: client ids of printable ASCII characters other than space, \" and \\, "
                        + "comma-separated: on call");
    }

    @Test
    void aBadLineIsNamed() throws Exception {
        Instant t = Instant.parse("2026-12-02T12:00:00Z");
        assertThatThrownBy(() -> DomainQueryTokens.read(tenants("acme " + ACME + "\n../x " + GLOBEX, t),
            Optional.empty())).hasMessageContaining("line 2").hasMessageContaining("'../x' is not a tenant name");
        assertThatThrownBy(() -> DomainQueryTokens.read(tenants("acme short", t), Optional.empty()))
            .hasMessageContaining("line 1").hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> DomainQueryTokens.read(tenants("acme " + ACME + " extra", t), Optional.empty()))
            .hasMessageContaining("expected 'TENANT TOKEN'");
        assertThatThrownBy(() -> DomainQueryTokens.read(tenants("acme " + ACME + "\nglobex " + ACME, t),
            Optional.empty())).hasMessageContaining("line 2").hasMessageContaining("given twice");
        assertThatThrownBy(() -> DomainQueryTokens.read(tenants("acme " + OPERATOR, t), Optional.of(OPERATOR)))
            .hasMessageContaining("the operator's");
        assertThatThrownBy(() -> new DomainQueryTokens(Optional.empty(), Optional.of(dir.resolve("missing")),
            Clock.systemUTC())).hasMessageContaining("http.domains.tenant.tokens.file").hasMessageContaining("missing");
    }
}

package io.tlsrpt.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
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
